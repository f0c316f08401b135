// The CPUs the node sizes its thread pools from (config/ground/cpu_budget): the affinity mask
// and the cgroup quota, not the machine's count.
#include <sched.h>
#include <catch2/catch.hpp>

#include "config/ground/cpu_budget.hpp"

using namespace sb;

TEST_CASE("a cgroup v2 cpu.max quota is read in whole CPUs, rounded up", "[cpu]") {
  CHECK(cpus_from_cpu_max("max 100000\n") == std::nullopt);
  CHECK(cpus_from_cpu_max("100000 100000") == 1u);
  CHECK(cpus_from_cpu_max("150000 100000\n") == 2u);
  CHECK(cpus_from_cpu_max("50000 100000") == 1u);
  CHECK(cpus_from_cpu_max("400000 100000") == 4u);
  CHECK(cpus_from_cpu_max("") == std::nullopt);
  CHECK(cpus_from_cpu_max("abc def") == std::nullopt);
  CHECK(cpus_from_cpu_max("100000 0") == std::nullopt);
}

TEST_CASE("a thread pinned to one CPU counts one usable CPU", "[cpu]") {
  cpu_set_t before;
  REQUIRE(sched_getaffinity(0, sizeof(before), &before) == 0);
  int first = -1;
  for (int i = 0; i < CPU_SETSIZE && first < 0; ++i) {
    if (CPU_ISSET(i, &before)) first = i;
  }
  REQUIRE(first >= 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
  auto pinned = current_cpu_budget();
  REQUIRE(sched_setaffinity(0, sizeof(before), &before) == 0);

  CHECK(pinned.affinity == 1u);
  CHECK(pinned.usable == 1u);
  CHECK(pinned.machine >= 1u);
  CHECK(threads_or_cpus(0, pinned) == 1u);
  CHECK(threads_or_cpus(3, pinned) == 3u);  // a configured count wins
  CHECK(pinned.describe().starts_with("1 usable CPU(s)"));

  auto all = current_cpu_budget();
  CHECK(all.affinity == static_cast<unsigned>(CPU_COUNT(&before)));
  CHECK(all.usable >= 1u);
  CHECK(all.usable <= all.affinity);
}
