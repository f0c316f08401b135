#pragma once

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "actors/ptt/fanout.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/node_config.hpp"

namespace sb {

/// What finds an entity on the member that owns it (the membership actor, seen from here).
using owner_finder = caf::typed_actor<caf::replies_to<resolve_atom, std::string>::with<caf::actor>>;

/// What every relay needs from its node.
struct relay_deps {
  owner_finder finder;
  std::string member;  ///< this node's name: qualifies session ids at the owner
  config::ptt_config cfg;
  std::chrono::milliseconds request_timeout{5000};
  /// How long it keeps trying to reach the owner: twice cluster.timeout_ms, long enough for
  /// the members to agree that an old owner is gone.
  std::chrono::milliseconds find_for{6000};
};

/// A talk group's relay: on a cluster member that does not own the group, it stands in for
/// the group (the same interface, so sessions cannot tell) and adds:
///  relay_job(frames): one event from the group, written to this member's listeners
///  relay(session): the group dropped that listener (no longer a member)
///  rejoin: try to reach the owner again
using group_relay_actor =
    talk_group_actor::extend<caf::reacts_to<relay_job_atom, relay_frames>,
                             caf::reacts_to<relay_atom, std::string>, caf::reacts_to<rejoin_atom>>;

struct group_relay_state {
  group_relay_state() = default;  // not an aggregate (docs/architecture.md)
  relay_deps deps;
  std::string channel_id;
  talk_group_actor owner;  ///< the group on its owner; invalid until found
  std::vector<listener> listeners;
  std::chrono::steady_clock::time_point searching_since;  ///< of the current search
  uint64_t idle_generation = 0;
  static inline const char* name = "group_relay";
};

/// Activated by the directory as "group:<channel id>" on a member that does not own the
/// channel. It finds the group on its owner (through `finder`, again every 250 ms for up to
/// `find_for` while the owner cannot be reached; requests wait meanwhile),
/// subscribes this member's connections there one by one (the owner checks membership and
/// holds the floor), forwards floor requests, stops, audio and texts, and writes each event
/// the group sends it, encoded once at the owner, to its connections. When the owner is lost
/// or another member takes the group over, it tells its sessions the group moved (they
/// resolve it again) and quits; it also quits after ptt.group_idle_ms without listeners.
group_relay_actor::behavior_type group_relay_impl(
    group_relay_actor::stateful_pointer<group_relay_state> self, relay_deps deps,
    std::string channel_id);

}  // namespace sb
