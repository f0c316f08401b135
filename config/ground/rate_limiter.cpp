#include "config/ground/rate_limiter.hpp"

#include <functional>

namespace sb {

rate_limiter::decision rate_limiter::hit(std::string_view key, uint32_t limit_per_min,
                                         int64_t now_us) {
  auto& s = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard guard{s.mutex};
  if (s.windows.size() > kSweepAbove) {
    std::erase_if(s.windows,
                  [&](const auto& kv) { return now_us - kv.second.started_us >= kWindowUs; });
  }
  auto& w = s.windows[std::string(key)];
  if (now_us - w.started_us >= kWindowUs) w = window{now_us, 0};
  decision d;
  d.limit = limit_per_min;
  d.reset_s = (w.started_us + kWindowUs - now_us + 999'999) / 1'000'000;
  if (w.count >= limit_per_min) {
    d.allowed = false;
    return d;
  }
  ++w.count;
  d.remaining = limit_per_min - w.count;
  return d;
}

rate_limiter::decision rate_limiter::peek(std::string_view key, uint32_t limit_per_min,
                                          int64_t now_us) const {
  const auto& s = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard guard{s.mutex};
  decision d;
  d.limit = limit_per_min;
  d.remaining = limit_per_min;
  auto it = s.windows.find(std::string(key));
  if (it == s.windows.end() || now_us - it->second.started_us >= kWindowUs) return d;
  d.reset_s = (it->second.started_us + kWindowUs - now_us + 999'999) / 1'000'000;
  d.allowed = it->second.count < limit_per_min;
  d.remaining = d.allowed ? limit_per_min - it->second.count : 0;
  return d;
}

size_t rate_limiter::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard guard{s.mutex};
    n += s.windows.size();
  }
  return n;
}

}  // namespace sb
