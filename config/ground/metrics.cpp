#include "config/ground/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sb::metrics {

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void histogram::observe(double v) noexcept {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  counts_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

namespace {

void escape_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string format_number(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v))) return fmt::format("{}", int64_t(v));
  return fmt::format("{}", v);
}

// Joins an already rendered label set with one more pair, e.g. for the `le` of a bucket.
std::string with_label(const std::string& rendered, std::string_view key, std::string_view value) {
  std::string extra = fmt::format("{}=\"{}\"", key, value);
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string render_labels(const labels& l) {
  if (l.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i > 0) out += ',';
    out += l[i].first;
    out += "=\"";
    escape_label_value(out, l[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

registry::family& registry::family_for(std::string_view name, std::string_view help, kind type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{type, std::string(help), {}, {}, {}}).first;
  } else if (it->second.type != type) {
    throw std::logic_error(fmt::format("metric {} registered with two types", name));
  }
  return it->second;
}

counter& registry::get_counter(std::string_view name, std::string_view help, const labels& l) {
  std::lock_guard guard{mutex_};
  auto& slot = family_for(name, help, kind::counter).counters[render_labels(l)];
  if (!slot) slot = std::make_unique<counter>();
  return *slot;
}

gauge& registry::get_gauge(std::string_view name, std::string_view help, const labels& l) {
  std::lock_guard guard{mutex_};
  auto& slot = family_for(name, help, kind::gauge).gauges[render_labels(l)];
  if (!slot) slot = std::make_unique<gauge>();
  return *slot;
}

histogram& registry::get_histogram(std::string_view name, std::string_view help,
                                   const std::vector<double>& bounds, const labels& l) {
  std::lock_guard guard{mutex_};
  auto& slot = family_for(name, help, kind::histogram).histograms[render_labels(l)];
  if (!slot) slot = std::make_unique<histogram>(bounds);
  return *slot;
}

void registry::add_collector(std::function<void(std::string&)> fn) {
  std::lock_guard guard{mutex_};
  collectors_.push_back(std::move(fn));
}

std::string registry::render() const {
  std::lock_guard guard{mutex_};
  std::string out;
  out.reserve(16 * 1024);
  for (const auto& [name, fam] : families_) {
    static constexpr std::string_view kTypes[] = {"counter", "gauge", "histogram"};
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, fam.help, name,
                       kTypes[static_cast<int>(fam.type)]);
    for (const auto& [l, c] : fam.counters) out += fmt::format("{}{} {}\n", name, l, c->value());
    for (const auto& [l, g] : fam.gauges) out += fmt::format("{}{} {}\n", name, l, g->value());
    for (const auto& [l, h] : fam.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= h->bounds().size(); ++i) {
        cumulative += h->bucket_count(i);
        auto le = i < h->bounds().size() ? format_number(h->bounds()[i]) : std::string("+Inf");
        out += fmt::format("{}_bucket{} {}\n", name, with_label(l, "le", le), cumulative);
      }
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, l, h->sum(), name, l, h->count());
    }
  }
  for (const auto& fn : collectors_) fn(out);
  return out;
}

registry& global() {
  static registry instance;
  return instance;
}

const std::vector<double>& latency_bounds() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                          1,      2.5,     5,      10};
  return bounds;
}

const std::vector<double>& size_bounds() {
  static const std::vector<double> bounds{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
  return bounds;
}

}  // namespace sb::metrics
