#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "actors/chat/chat_client.hpp"
#include "actors/chat/chat_sink.hpp"
#include "actors/chat/conversation.hpp"
#include "actors/runtime/atoms.hpp"

namespace sb {

/// The logical id of a user's presence: "presence:<tenant>:<user>".
std::string presence_key(const std::string& tenant_id, const std::string& user_id);

struct presence_state {
  presence_state() = default;  // not an aggregate (docs/architecture.md)

  chat_deps deps;
  std::string tenant_id;
  std::string user_id;
  std::map<caf::actor_addr, bool> sessions;  ///< the user's sessions, and which are away
  /// The connections that follow this user, sorted by owner (std::owner_less); one that
  /// closed is dropped when next told, or at the idle check.
  std::vector<chat_sink_ref> watchers;
  std::string status = "offline";
  std::optional<int64_t> last_seen_us;
  std::optional<chat_delivery> told;  ///< the state as last encoded; reset when it changes
  uint64_t grace_generation = 0;
  uint64_t idle_generation = 0;
  static inline const char* name = "presence";
};

/// A presence actor's interface:
///  join(session, away): a session of the user is connected (and whether its client is away)
///  watch(watcher, last_seen): a connection follows this user (its chat sink, written
///    directly, with no monitor: a follow costs one pointer); `last_seen` is what the store
///    holds (the actor keeps the newer of it and its own)
///  grace(generation): the user's last session closed that long ago
///  timeout(generation): the idle check
/// Sessions are monitored: one that ends is forgotten.
using presence_actor = caf::typed_actor<caf::reacts_to<presence_join_atom, caf::actor, bool>,
                                        caf::reacts_to<presence_watch_atom, chat_sink_ref, int64_t>,
                                        caf::reacts_to<presence_grace_atom, uint64_t>,
                                        caf::reacts_to<caf::timeout_atom, uint64_t>>;

/// One actor per user whose presence someone needs, "presence:<tenant>:<user>", activated on
/// demand: it aggregates all the user's sessions on every protocol (online while one is, away
/// when all are away, offline chat.presence_grace_ms after the last one closed, with lastSeen
/// committed) and tells each change to the sessions that watch the user, encoded once per
/// protocol (native `presence`, Socket.IO `user:status`). It quits when nobody is connected
/// or watching for chat.idle_ms.
presence_actor::behavior_type presence_impl(presence_actor::stateful_pointer<presence_state> self,
                                            chat_deps deps, std::string key);

/// A session of `user` announces itself to the user's presence.
void join_presence(const chat_deps& deps, const std::string& tenant_id, const std::string& user_id,
                   caf::actor session, bool away);

/// `watcher` (the connection of a session of `user_id`) follows the presence of the users it
/// should see (persistence::presence_watch_list; with `tenant_contacts` the tenant's contact
/// list too).
void watch_presence(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                    const std::string& user_id, chat_sink_ref watcher, bool tenant_contacts);

using subscribed_ok = std::function<void(const std::vector<std::string>& user_ids)>;

/// `watcher` follows the presence of `user_ids` too, until it ends: those that are users of the
/// tenant (others do not exist for it). `ok` gets them, before their states come; more than
/// chat.presence_watch_limit users is bad_request.
void subscribe_presence(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                        std::vector<std::string> user_ids, chat_sink_ref watcher, subscribed_ok ok,
                        chat_failed failed);

}  // namespace sb
