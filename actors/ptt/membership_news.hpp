#pragma once

#include <string>

#include "actors/cluster/membership.hpp"
#include "actors/directory/directory.hpp"
#include "persistence/ptt/control_plane.hpp"

namespace sb {

/// After a committed change of a user's channels: the groups the user left drop their
/// connections, the user's sessions join the groups they now hear (dispatcher flag too), and
/// the channels' conversations read their members again; on every member of a cluster
/// (`cluster` set). Fire and forget.
void announce_channel_change(const directory_actor& directory, const membership_actor& cluster,
                             const std::string& tenant_id, const std::string& user_id,
                             const persistence::channel_change& change);

}  // namespace sb
