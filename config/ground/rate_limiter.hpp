#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb {

/// Counts requests per key in fixed one-minute windows (the scheme behind the seed's
/// RateLimit-* headers). Thread-safe and lock-striped: 16 shards, each a small map; windows
/// that ended are swept as a shard grows. No actor hop on the request path.
class rate_limiter {
 public:
  struct decision {
    bool allowed = true;
    uint32_t limit = 0;
    uint32_t remaining = 0;
    int64_t reset_s = 0;  ///< seconds until the window ends
  };

  /// Counts one request for `key` against `limit_per_min`.
  decision hit(std::string_view key, uint32_t limit_per_min, int64_t now_us);

  /// What `hit` would decide, without counting.
  decision peek(std::string_view key, uint32_t limit_per_min, int64_t now_us) const;

  /// Keys currently tracked (for tests and metrics).
  size_t size() const;

 private:
  struct window {
    int64_t started_us = 0;
    uint32_t count = 0;
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, window> windows;
  };
  static constexpr int64_t kWindowUs = 60'000'000;
  static constexpr size_t kSweepAbove = 4096;

  std::array<shard, 16> shards_;
};

}  // namespace sb
