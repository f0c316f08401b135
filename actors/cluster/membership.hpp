#pragma once

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/cluster/member.hpp"
#include "actors/directory/directory.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/node_config.hpp"

namespace sb {

/// The node's membership actor, published on the cluster port: it joins through the seeds,
/// keeps a full mesh (it connects to every member a peer names), sends each peer a heartbeat
/// every cluster.heartbeat and takes a peer silent for cluster.timeout (or whose connection
/// broke) for dead. A peer that comes back under a new incarnation replaces its old life. Its
/// timers start with the first (seed_atom) and (tick_atom) the node sends once it is published.
using membership_actor = caf::typed_actor<
    /// A peer introduces itself; the answer is the members this node knows (itself first).
    caf::replies_to<hello_atom, member_info>::with<std::vector<member_info>>,
    /// A peer is alive (name, incarnation).
    caf::reacts_to<heartbeat_atom, std::string, std::string>,
    /// Timers: heartbeats and expiry (tick), connecting to seeds and named members (seed).
    caf::reacts_to<tick_atom>, caf::reacts_to<seed_atom>,
    /// From a peer: members it took in, for this node to connect to if it does not know them.
    caf::reacts_to<seed_atom, std::vector<member_info>>,
    /// The live members, this node included, sorted by name.
    caf::replies_to<get_atom>::with<std::vector<member_info>>,
    /// From this node: a message for every other member's node (invalidations, directory news).
    caf::reacts_to<broadcast_atom, caf::message>,
    /// From a peer: a message for this node, handed to `deliver`.
    caf::reacts_to<deliver_atom, caf::message>,
    /// From this node: the entity (a talk group) on the member that owns it now, activated
    /// there if need be; errc::timeout while that member cannot be asked.
    caf::replies_to<resolve_atom, std::string>::with<caf::actor>,
    /// From a peer: the entity on this node, whatever the placement (the directory's home).
    caf::replies_to<home_atom, std::string>::with<caf::actor>,
    /// From this node (entity_finder): the live actors with the tag on every member, and the
    /// live actor of an id on whichever member holds it (not_found when none does).
    caf::replies_to<tagged_atom, std::string>::with<std::vector<caf::actor>>,
    caf::replies_to<lookup_atom, std::string>::with<caf::actor>,
    /// From a peer: the same, on this member only.
    caf::replies_to<tagged_atom, std::string, bool>::with<std::vector<caf::actor>>,
    caf::replies_to<lookup_atom, std::string, bool>::with<caf::actor>>;

struct membership_deps {
  std::shared_ptr<cluster_view> view;
  std::vector<std::pair<std::string, uint16_t>> seeds;
  std::chrono::milliseconds heartbeat{500};
  std::chrono::milliseconds timeout{3000};
  /// What this node does with a message another member broadcast.
  std::function<void(const caf::message&)> deliver;
  /// The node's directory: told when the members change (placement moves), asked for the
  /// entities this node owns.
  directory_actor directory;
  /// What else the node does when the members change (wake the webhook streams it may own now).
  std::function<void()> changed;
};

struct peer {
  member_info info;
  membership_actor handle;
  std::chrono::steady_clock::time_point last_seen;
};

struct membership_state {
  membership_state() = default;  // not an aggregate, see mailer_state
  membership_deps deps;
  std::map<std::string, peer> peers;                     ///< by name
  std::map<std::string, uint16_t> connecting;            ///< "host:port" being connected to
  std::vector<std::pair<std::string, uint16_t>> wanted;  ///< members named by peers, to dial
  static inline const char* name = "cluster-membership";
};

membership_actor::behavior_type membership_impl(
    membership_actor::stateful_pointer<membership_state> self, membership_deps deps);

/// True when `self` owns `logical_id` among `members` (rendezvous hashing over their names).
bool owns(const std::vector<member_info>& members, const member_info& self,
          const std::string& logical_id);

/// "host:port,host:port" → pairs; throws std::invalid_argument naming the bad entry.
std::vector<std::pair<std::string, uint16_t>> parse_seeds(const std::string& list);

}  // namespace sb
