#pragma once

#include <atomic>
#include <cstdint>

namespace sb {

/// Keeps one kind of log line from flooding the log: at most `per_minute` lines a minute pass,
/// and the first line let through after a suppressed stretch says how many were held back.
/// Thread-safe (a relaxed race may let a line or two more through a minute; that is fine).
class log_throttle {
 public:
  explicit log_throttle(uint32_t per_minute) : per_minute_(per_minute) {}

  /// Whether to write the line now; when it returns true, `suppressed` is how many lines
  /// were held back since the last one written.
  bool allow(uint64_t& suppressed);

 private:
  uint32_t per_minute_;
  std::atomic<int64_t> window_start_us_{0};
  std::atomic<uint32_t> in_window_{0};
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace sb
