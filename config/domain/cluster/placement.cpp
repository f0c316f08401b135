#include "config/domain/cluster/placement.hpp"

#include <cstdint>

#include "config/ground/crypto.hpp"

namespace sb::cluster {

uint64_t placement_weight(std::string_view member, std::string_view entity_id) {
  std::string input;
  input.reserve(member.size() + entity_id.size() + 1);
  input.append(member).push_back('\0');  // "ab"+"c" and "a"+"bc" weigh differently
  input.append(entity_id);
  auto digest = crypto::sha256(input);
  uint64_t w = 0;
  for (int i = 0; i < 8; ++i) w = (w << 8) | static_cast<uint8_t>(digest[i]);
  return w;
}

std::string owner_of(const std::vector<std::string>& members, std::string_view entity_id) {
  std::string best;
  uint64_t best_weight = 0;
  for (const auto& m : members) {
    auto w = placement_weight(m, entity_id);
    // Ties (astronomically rare) go to the smaller name, so every member agrees.
    if (best.empty() || w > best_weight || (w == best_weight && m < best)) {
      best = m;
      best_weight = w;
    }
  }
  return best;
}

}  // namespace sb::cluster
