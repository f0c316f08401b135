#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

/// An ISO 8601 / RFC 3339 time with a zone ("2026-01-28T12:00:00.000Z", "…T12:00:00+02:00";
/// up to six fraction digits) as microseconds since the Unix epoch; nullopt for anything else,
/// a date that does not exist included, and for years outside 1970..9999.
std::optional<int64_t> parse_iso_time(std::string_view text);

}  // namespace sb
