#include "config/ground/cpu_budget.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <thread>

namespace sb {

namespace {

std::optional<long long> to_number(std::string_view s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<unsigned> whole_cpus(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<unsigned>((quota + period - 1) / period);
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

/// The process's cgroup v2 path ("0::/<path>" in /proc/self/cgroup), or "" on cgroup v1.
std::string cgroup_v2_path() {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("0::")) return line.substr(3);
  }
  return "";
}

std::optional<unsigned> cgroup_quota() {
  auto v2 = cgroup_v2_path();
  if (!v2.empty()) {
    // The process's own group, else the root's view (a container sees its group as "/").
    for (const auto& dir : {"/sys/fs/cgroup" + v2, std::string("/sys/fs/cgroup")}) {
      auto line = read_first_line(dir + "/cpu.max");
      if (!line.empty()) return cpus_from_cpu_max(line);
    }
    return std::nullopt;
  }
  auto quota = to_number(read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  auto period = to_number(read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  if (!quota || !period) return std::nullopt;
  return whole_cpus(*quota, *period);
}

}  // namespace

std::optional<unsigned> cpus_from_cpu_max(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto quota = to_number(text.substr(0, space));  // "max": no quota
  auto period = to_number(text.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return whole_cpus(*quota, *period);
}

cpu_budget current_cpu_budget() {
  cpu_budget b;
  b.machine = std::max(1u, std::thread::hardware_concurrency());
  b.affinity = b.machine;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    b.affinity = std::max(1, CPU_COUNT(&set));
  }
  b.quota = cgroup_quota();
  b.usable = std::max(1u, std::min(b.affinity, b.quota.value_or(b.affinity)));
  return b;
}

std::string cpu_budget::describe() const {
  return fmt::format(
      "{} usable CPU(s): {} on the machine, {} in the affinity mask, cgroup quota {}", usable,
      machine, affinity, quota ? fmt::format("{} CPU(s)", *quota) : std::string("none"));
}

unsigned threads_or_cpus(unsigned configured, const cpu_budget& cpus) {
  return configured ? configured : cpus.usable;
}

}  // namespace sb
