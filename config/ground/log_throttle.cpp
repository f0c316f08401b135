#include "config/ground/log_throttle.hpp"

#include "config/ground/clock.hpp"

namespace sb {

bool log_throttle::allow(uint64_t& suppressed) {
  auto now = now_us();
  auto start = window_start_us_.load(std::memory_order_relaxed);
  if (now - start >= 60'000'000 &&
      window_start_us_.compare_exchange_strong(start, now, std::memory_order_relaxed)) {
    in_window_.store(0, std::memory_order_relaxed);
  }
  if (in_window_.fetch_add(1, std::memory_order_relaxed) >= per_minute_) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
  return true;
}

}  // namespace sb
