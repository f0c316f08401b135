#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sb::metrics {

/// A monotonically increasing count. Lock-free; safe from any thread.
class counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down. Lock-free; safe from any thread.
class gauge {
 public:
  void set(int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

/// A Prometheus histogram with fixed upper bounds. Lock-free; safe from any thread.
class histogram {
 public:
  explicit histogram(std::vector<double> bounds);

  void observe(double v) noexcept;

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Count of observations in bucket `i` (not cumulative); `i == bounds().size()` is +Inf.
  uint64_t bucket_count(size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Label pairs, rendered in the given order: {{"kind", "session"}}.
using labels = std::vector<std::pair<std::string, std::string>>;

/// The metric registry rendered at `GET /metrics`. Lookups take a lock, so callers fetch their
/// instruments once and keep the reference: instruments are never destroyed or moved.
class registry {
 public:
  counter& get_counter(std::string_view name, std::string_view help, const labels& l = {});
  gauge& get_gauge(std::string_view name, std::string_view help, const labels& l = {});
  histogram& get_histogram(std::string_view name, std::string_view help,
                           const std::vector<double>& bounds, const labels& l = {});

  /// Registers a function run at every scrape, for values cheaper to compute than to track
  /// (uptime, resident memory). It appends complete exposition lines to `out`.
  void add_collector(std::function<void(std::string& out)> fn);

  /// Renders every family in the Prometheus text exposition format, version 0.0.4.
  std::string render() const;

 private:
  enum class kind { counter, gauge, histogram };
  struct family {
    kind type;
    std::string help;
    std::map<std::string, std::unique_ptr<counter>> counters;
    std::map<std::string, std::unique_ptr<gauge>> gauges;
    std::map<std::string, std::unique_ptr<histogram>> histograms;
  };

  family& family_for(std::string_view name, std::string_view help, kind type);

  mutable std::mutex mutex_;
  std::map<std::string, family, std::less<>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

/// The process-wide registry.
registry& global();

/// Default bounds for latencies in seconds: 100 µs to 10 s.
const std::vector<double>& latency_bounds();

/// Default bounds for sizes and counts: 1 to 4096, powers of two.
const std::vector<double>& size_bounds();

/// Renders label pairs as `{k="v",...}` with values escaped; empty labels render as "".
std::string render_labels(const labels& l);

}  // namespace sb::metrics
