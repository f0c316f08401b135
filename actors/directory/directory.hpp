#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace sb {

/// Creates the actor for a logical id on first use (a virtual actor: it loads its own state
/// from the store when it gets its first message, and may quit when idle).
using activator = std::function<caf::actor(caf::actor_system&, const std::string& logical_id)>;

struct directory_state {
  directory_state() = default;  // not an aggregate, see mailer_state

  std::unordered_map<std::string, caf::actor> entries;
  std::unordered_map<caf::actor_addr, std::string> ids;
  std::unordered_map<std::string, std::vector<std::string>> tags_of;  // id → tags
  std::unordered_map<std::string, std::set<std::string>> ids_by_tag;  // tag → ids
  std::map<std::string, activator> activators;                        // by kind
  static inline const char* name = "directory";
};

/// The node's directory: logical ids ("session:ws-7", "group:…", "call:…", "app:…") to actor
/// handles. Callers only ever use logical ids, so an entity can move (passivate, re-activate,
/// later: to another node) without callers noticing. Entries disappear when their actor dies;
/// when the directory is told to exit, it takes every registered actor down with it.
///
/// Messages:
///  (register_atom, id, actor) → bool: false if a live actor already holds `id`
///  (register_atom, id, actor, std::vector<std::string> tags) → bool: the same, tagged
///                               (sessions are tagged with their principal, "user:<id>")
///  (tell_atom, tag, caf::message) → size_t: sends the message to every actor with the tag
///  (kick_atom, tag, uint16_t code, std::string reason) → size_t: sends
///                               (kick_atom, code, reason) to every actor with the tag
///  (resolve_atom, id)         → actor: activates it through its kind's activator if needed;
///                               errc::not_found when nothing is registered for the kind
///  (list_atom, kind)          → std::vector<std::string>: live ids of that kind, sorted
///  (lookup_atom, id)          → actor, or errc::not_found: like resolve, never activates
///  (tagged_atom, tag)        → std::vector<caf::actor>: the live actors with the tag
///  (online_atom, std::vector<std::string> tags) → std::vector<std::string>: those tags that
///                               at least one live actor carries
caf::behavior directory_actor(caf::stateful_actor<directory_state>* self,
                              std::map<std::string, activator> activators);

/// "group" for "group:42"; the whole id when it has no ':'.
std::string kind_of(const std::string& logical_id);

}  // namespace sb
