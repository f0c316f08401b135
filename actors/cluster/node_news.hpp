#pragma once

#include <caf/message.hpp>

#include "actors/cluster/membership.hpp"
#include "actors/directory/directory.hpp"

namespace sb {

/// Sends `msg` (kick, tell or forward) to this node's directory and, on a cluster member
/// (`cluster` set), to every other member's, so that a revocation or a membership change reaches
/// the user's sessions and the live entities wherever they are.
void tell_directories(const directory_actor& directory, const membership_actor& cluster,
                      const caf::message& msg);

}  // namespace sb
