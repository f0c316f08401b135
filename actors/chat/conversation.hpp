#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/chat_messages.hpp"
#include "actors/directory/directory.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/domain/chat/chat_model.hpp"
#include "config/domain/ptt/talk_event.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// What every conversation actor needs from its node.
struct chat_deps {
  persistence::store_client store;
  directory_actor directory;
  config::chat_config cfg;
  std::chrono::milliseconds request_timeout{5000};
  /// This node's connections that take chat events, by user (shared by every conversation).
  std::shared_ptr<chat_sink_registry> sinks = std::make_shared<chat_sink_registry>();
};

/// A tenant-scoped actor's key without its kind, "<tenant>:<id>", as {tenant, id}.
std::pair<std::string, std::string> tenant_and_id(const std::string& key);

/// The logical id of a conversation: "chat:<tenant>:<conversation>".
std::string conversation_key(const std::string& tenant_id, const std::string& conversation_id);

/// The store shard of a conversation: one per conversation keeps its log in order.
persistence::shard_key conversation_shard(const std::string& conversation_id);

struct conversation_state {
  conversation_state() = default;  // not an aggregate (docs/architecture.md)

  chat_deps deps;
  std::string tenant_id;
  chat::conversation conv;  ///< members and the log's end, as committed
  bool loaded = false;
  uint64_t idle_generation = 0;
  struct typing_entry {
    int64_t announced_ms = 0;  ///< when "typing" was last told to the others
    uint64_t generation = 0;   ///< of the expiry timer that counts
  };
  std::map<std::string, typing_entry> typing;  ///< members typing now, by user id
  ptt::unique_ms text_clock;            ///< a talk-group channel's message ids (VoicePing's form)
  std::vector<std::string> member_ids;  ///< each member's user id (set_members)
  /// The members' connections on this node, as of `roster_generation` of the sink registry
  /// (null: to be read again), and each lane's share once the conversation is big.
  sink_roster roster;
  uint64_t roster_generation = 0;
  std::vector<caf::actor> lanes;  ///< fan-out lanes (chat_fanout.hpp), once big: for good
  std::vector<sink_roster> lane_rosters;
  static inline const char* name = "conversation";
};

/// A conversation actor's interface:
///  chat_send(chat_send) → the message, after its commit (a resent client id: the first), and
///    the conversation as it stands
///  chat_change(chat_change) → the message as changed: errc not_found / forbidden
///  chat_pointer(chat_pointer) → the member's pointers as they are now
///  chat_typing(chat_typing): a member typing or not (told to the others, never stored)
///  chat_members: a talk-group channel's listeners changed; its members are read again
///  typing_timer(user, generation): a member's typing expires
///  timeout(generation): the idle check
/// Every answer names errc::not_found for a user who is not a member.
using conversation_actor = caf::typed_actor<
    caf::replies_to<chat_send_atom, chat_send>::with<chat::message, chat::conversation>,
    caf::replies_to<chat_change_atom, chat_change>::with<chat::message>,
    caf::replies_to<chat_pointer_atom, chat_pointer>::with<chat::member>,
    caf::reacts_to<chat_typing_atom, chat_typing>, caf::reacts_to<chat_members_atom>,
    caf::reacts_to<typing_timer_atom, std::string, uint64_t>,
    caf::reacts_to<caf::timeout_atom, uint64_t>>;

/// One actor per active conversation, "chat:<tenant>:<id>", activated on demand through the
/// directory; it quits after chat.idle_ms without traffic. It loads the conversation, then
/// takes each change through the store (committed before it is answered or announced) and
/// tells every session of every member, encoded once (chat.message, chat.updated,
/// chat.receipt in docs/protocol.md): it writes their connections itself (chat_sink), over
/// fan-out lanes from chat.fanout_lane_connections connections on. A talk-group channel's
/// conversation (kind "channel", the channel's id) has the channel's listeners as members, and
/// tells its live talk group each new message, for the PTT clients there: the channel's texts and
/// chat are one log.
conversation_actor::behavior_type conversation_impl(
    conversation_actor::stateful_pointer<conversation_state> self, chat_deps deps, std::string key);

}  // namespace sb
