#include "actors/session/audio_meter.hpp"

#include <algorithm>

namespace sb {

audio_meter::verdict audio_meter::admit(uint64_t bytes, int64_t now_us,
                                        const audio_limits& limits) {
  if (limits.frame_bytes > 0 && bytes > limits.frame_bytes) return verdict::frame_too_large;
  if (limits.burst_bytes > 0 && burst_ + bytes > limits.burst_bytes) {
    return verdict::burst_too_long;
  }
  if (limits.bytes_per_s > 0) {
    double capacity = 2.0 * static_cast<double>(limits.bytes_per_s);
    if (tokens_ < 0) {
      tokens_ = capacity;
    } else {
      double refill =
          static_cast<double>(now_us - last_us_) / 1e6 * static_cast<double>(limits.bytes_per_s);
      tokens_ = std::min(capacity, tokens_ + std::max(0.0, refill));
    }
    last_us_ = now_us;
    if (tokens_ < static_cast<double>(bytes)) return verdict::too_fast;
    tokens_ -= static_cast<double>(bytes);
  }
  burst_ += bytes;
  return verdict::pass;
}

}  // namespace sb
