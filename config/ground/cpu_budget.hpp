#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sb {

/// The CPUs this process may actually use, and why: thread pools are sized from it, not from
/// std::thread::hardware_concurrency(), which counts the machine's CPUs even when the process
/// is pinned to one (taskset, cpusets) or a container's CPU quota allows one.
struct cpu_budget {
  unsigned usable = 1;            ///< at least 1
  unsigned machine = 1;           ///< CPUs the machine has online
  unsigned affinity = 1;          ///< CPUs in the process's affinity mask
  std::optional<unsigned> quota;  ///< the cgroup quota in whole CPUs (rounded up), if any
  std::string describe() const;   ///< for the start-up log
};

/// The CPU quota of a cgroup v2 `cpu.max` ("<quota> <period>" or "max <period>") in whole CPUs,
/// rounded up; nullopt when there is none or the text is not that.
std::optional<unsigned> cpus_from_cpu_max(std::string_view text);

/// The calling thread's affinity mask, and the quota of the process's cgroup (v2 `cpu.max`,
/// else v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`).
cpu_budget current_cpu_budget();

/// `configured` when set, else one per usable CPU.
unsigned threads_or_cpus(unsigned configured, const cpu_budget& cpus);

}  // namespace sb
