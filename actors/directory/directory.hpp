#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/runtime/atoms.hpp"

namespace sb {

/// Creates the actor for a logical id on first use (a virtual actor: it loads its own state
/// from the store when it gets its first message, and may quit when idle).
using activator = std::function<caf::actor(caf::actor_system&, const std::string& logical_id)>;

/// On a cluster member: which entities this node owns, and what stands in for one owned
/// elsewhere. Empty on a single node (every entity is local).
struct directory_placement {
  /// True when this node owns the logical id (rendezvous over the live members).
  std::function<bool(const std::string& logical_id)> here;
  /// By kind: the local stand-in for an entity owned by another member (a talk group's relay).
  /// Only these kinds are placed; the others stay wherever they were activated.
  std::map<std::string, activator> relays;
};

struct directory_state {
  directory_state() = default;  // not an aggregate, see mailer_state

  std::unordered_map<std::string, caf::actor> entries;
  std::unordered_map<caf::actor_addr, std::string> ids;
  std::unordered_map<std::string, std::vector<std::string>> tags_of;  // id → tags
  std::unordered_map<std::string, std::set<std::string>> ids_by_tag;  // tag → ids
  std::map<std::string, activator> activators;                        // by kind
  directory_placement placement;
  std::set<std::string> relayed;  ///< ids whose entry is a relay, not the entity itself
  static inline const char* name = "directory";
};

/// The directory's interface. Logical ids ("session:ws-7", "group:…", "call:…",
/// "webhooks:…") name actors; callers only ever use logical ids, so an entity can move
/// (passivate, re-activate, later: to another node) without callers noticing.
///  register(id, actor[, tags]) → false if a live actor already holds `id`; sessions are
///    tagged with their principal ("user:<id>", "tenant:<id>", …)
///  tell(tag, message) → how many: sends the message to every actor with the tag
///  forward(id, message, activate): sends the message to the actor of `id`, activated first
///    when `activate` (else only if live); nothing when there is none. No answer, so no
///    request and no timeout per message: for fire-and-forget traffic (presence, effects)
///  kick(tag, code, reason) → how many: sends (kick, code, reason) to every actor with the tag
///  resolve(id) → the actor, activated through its kind's activator if needed;
///    errc::not_found when no activator is registered for the kind
///  lookup(id) → the actor if live, or errc::not_found: never activates
///  list(kind) → the live ids of that kind, sorted
///  tagged(tag) → the live actors with the tag
///  online(tags) → those of `tags` that at least one live actor carries
///  home(id) → the entity itself, activated here (a member's relay asks the owner this); a
///    relay standing in for it here is told it moved; errc::conflict when this node's members
///    say another member owns it (the asker's view is behind or ahead: it asks again)
///  place: the members changed; every placed entity this node no longer owns is told it
///    moved (it hands its listeners back and quits)
/// On a cluster member, resolving a placed id (a talk group) this node does not own
/// activates the kind's relay instead: callers hold the same interface either way.
/// Handles are dynamic (caf::actor): the directory holds every kind; each kind's interface
/// header casts what it resolves (as_talk_group in talk_group.hpp, …).
using directory_actor = caf::typed_actor<
    caf::replies_to<register_atom, std::string, caf::actor>::with<bool>,
    caf::replies_to<register_atom, std::string, caf::actor, std::vector<std::string>>::with<bool>,
    caf::replies_to<tell_atom, std::string, caf::message>::with<size_t>,
    caf::reacts_to<forward_atom, std::string, caf::message, bool>,
    caf::replies_to<kick_atom, std::string, uint16_t, std::string>::with<size_t>,
    caf::replies_to<resolve_atom, std::string>::with<caf::actor>,
    caf::replies_to<lookup_atom, std::string>::with<caf::actor>,
    caf::replies_to<list_atom, std::string>::with<std::vector<std::string>>,
    caf::replies_to<tagged_atom, std::string>::with<std::vector<caf::actor>>,
    caf::replies_to<online_atom, std::vector<std::string>>::with<std::vector<std::string>>,
    caf::replies_to<home_atom, std::string>::with<caf::actor>, caf::reacts_to<place_atom>>;

/// What finds live entities and sessions wherever they run: the directory itself on a single
/// node; on a cluster the membership actor, which asks every member's directory.
using entity_finder =
    caf::typed_actor<caf::replies_to<tagged_atom, std::string>::with<std::vector<caf::actor>>,
                     caf::replies_to<lookup_atom, std::string>::with<caf::actor>>;

/// The node's directory. Entries disappear when their actor dies; when the directory is told
/// to exit, it takes every registered actor down with it.
directory_actor::behavior_type directory_impl(
    directory_actor::stateful_pointer<directory_state> self,
    std::map<std::string, activator> activators, directory_placement placement);

/// "group" for "group:42"; the whole id when it has no ':'.
std::string kind_of(const std::string& logical_id);

}  // namespace sb
