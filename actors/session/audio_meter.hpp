#pragma once

#include <cstdint>

namespace sb {

/// The audio limits of a talker (ptt.max_audio_frame_bytes, ptt.max_audio_bytes_per_s,
/// ptt.max_burst_bytes).
struct audio_limits {
  uint64_t frame_bytes = 0;  ///< 0 = any size
  uint64_t bytes_per_s = 0;  ///< 0 = any rate
  uint64_t burst_bytes = 0;  ///< 0 = any burst
};

/// Meters one session's audio: each frame against the frame limit, a token bucket for the rate
/// (holding two seconds' worth, so network jitter that bunches frames does not count as
/// speeding), and the bytes since the session last started talking. Pure and deterministic.
class audio_meter {
 public:
  enum class verdict { pass, frame_too_large, too_fast, burst_too_long };

  /// A new burst (START granted): its byte count starts again.
  void burst_started() { burst_ = 0; }

  /// Whether a frame of `bytes` arriving at `now_us` may pass; it counts only when it does.
  verdict admit(uint64_t bytes, int64_t now_us, const audio_limits& limits);

 private:
  double tokens_ = -1;  ///< bytes the bucket holds; < 0 until the first frame fills it
  int64_t last_us_ = 0;
  uint64_t burst_ = 0;
};

}  // namespace sb
