// Rendezvous placement of entities on cluster members (config/domain/cluster/placement).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "config/domain/cluster/placement.hpp"

using sb::cluster::owner_of;

namespace {

std::string entity(int i) {
  return "group:" + std::to_string(i * 7919);
}

}  // namespace

TEST_CASE("every member names the same owner, whatever order it lists the members in",
          "[cluster][unit]") {
  std::vector<std::string> abc{"alpha", "beta", "gamma"}, cab{"gamma", "alpha", "beta"};
  for (int i = 0; i < 1000; ++i) CHECK(owner_of(abc, entity(i)) == owner_of(cab, entity(i)));
  CHECK(owner_of({}, "group:1").empty());
  CHECK(owner_of({"solo"}, "group:1") == "solo");
}

TEST_CASE("entities spread evenly and only a leaving or joining member's share moves",
          "[cluster][unit]") {
  const std::vector<std::string> three{"alpha", "beta", "gamma"};
  const int n = 30'000;
  std::map<std::string, int> share;
  std::vector<std::string> before(n);
  for (int i = 0; i < n; ++i) ++share[before[i] = owner_of(three, entity(i))];
  for (const auto& m : three) {
    // 10,000 expected; the binomial spread is ~82, so 500 is far outside chance.
    CHECK(share[m] > 9'500);
    CHECK(share[m] < 10'500);
  }

  // gamma leaves: its entities move, nobody else's do.
  int moved = 0;
  for (int i = 0; i < n; ++i) {
    auto after = owner_of({"alpha", "beta"}, entity(i));
    if (before[i] == "gamma") {
      ++moved;
      CHECK(after != "gamma");
    } else {
      CHECK(after == before[i]);
    }
  }
  CHECK(moved == share["gamma"]);

  // delta joins: only what delta now owns moves, about a quarter.
  int taken = 0;
  for (int i = 0; i < n; ++i) {
    auto after = owner_of({"alpha", "beta", "gamma", "delta"}, entity(i));
    if (after == "delta") {
      ++taken;
    } else {
      CHECK(after == before[i]);
    }
  }
  CHECK(taken > 7'000);
  CHECK(taken < 8'000);
}
