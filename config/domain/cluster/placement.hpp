#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb::cluster {

/// The member that owns an entity (a talk group, call, webhook stream, conversation or
/// presence, by its logical id): rendezvous (highest random weight) hashing over the live
/// members' names. Every member computes the same owner from the same list; when a member
/// leaves, only its entities move (each to the member that ranked second), and when one joins,
/// only the entities it now ranks first for move to it. "" when there are no members.
std::string owner_of(const std::vector<std::string>& members, std::string_view entity_id);

/// The weight of (member, entity): 64 bits of SHA-256 over both, so that no member's name can
/// be chosen to attract entities and the order does not depend on the platform.
uint64_t placement_weight(std::string_view member, std::string_view entity_id);

}  // namespace sb::cluster
