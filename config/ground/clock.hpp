#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sb {

/// Wall-clock time as microseconds since the Unix epoch: how every timestamp is stored.
inline int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

/// Monotonic microseconds, for ages and lags within this process.
inline int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

/// `epoch_us` as an ISO 8601 UTC time with milliseconds: "2026-01-28T12:00:00.000Z".
std::string iso_time(int64_t epoch_us);

}  // namespace sb
