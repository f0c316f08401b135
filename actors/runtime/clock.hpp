#pragma once

#include <chrono>
#include <cstdint>

namespace sb {

/// Wall-clock time as microseconds since the Unix epoch: how every timestamp is stored.
inline int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sb
