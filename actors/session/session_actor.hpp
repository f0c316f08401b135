#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "protocols/native/codec.hpp"
#include "protocols/voiceping/frame.hpp"

// Decoded client messages go only to the session actor of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::native::request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::voiceping::frame)

#include "actors/directory/directory.hpp"
#include "actors/ptt/recorder_actor.hpp"

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/calls/call_actor.hpp"
#include "actors/chat/chat_sink.hpp"
#include "actors/chat/conversation.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/session/audio_meter.hpp"
#include "actors/session/voiceping_naming.hpp"
#include "config/domain/identity/principal.hpp"
#include "config/ground/lifecycle.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

/// What a session actor needs from its node.
struct session_deps {
  ws::outbound_ptr out;
  principal who;                  ///< authenticated at the upgrade
  std::vector<std::string> tags;  ///< directory tags: principal, tenant, API key
  persistence::store_client store;
  directory_actor directory;
  std::shared_ptr<lifecycle> node;
  uint32_t max_inflight = 256;
  std::chrono::milliseconds request_timeout{5000};  ///< asking other actors (groups, directory)
  wire protocol = wire::native;
  const ptt::encoder* encoder = nullptr;  ///< talk events in this session's protocol
  recorder_actor recorder;                ///< for private talk bursts
  std::string device_id;                  ///< VoicePing: the client's device
  bool user_add = false;                  ///< VoicePing: USER_ADD/USER_REMOVE are honoured
  std::shared_ptr<const voiceping_naming> voiceping;  ///< VoicePing sessions: ids on the wire
  membership_actor cluster;                ///< on a cluster member: news for the other members
  std::shared_ptr<const call_deps> calls;  ///< native user sessions: calls (else null)
  std::shared_ptr<const chat_deps> chat;   ///< native user sessions: chat (else null)
  audio_limits audio;                      ///< what a talker may send (ptt.*)
};

/// A talk group the session listens to.
struct joined_channel {
  talk_group_actor group;
  bool dispatcher = false;
};

/// A private (1:1) talk burst this session is sending.
struct direct_burst {
  std::vector<caf::actor> peers;  ///< the recipient's sessions when the burst started
  std::string recording;          ///< recorder key
  int64_t started_ms = 0;
};

struct session_state {
  session_state() = default;  // not an aggregate, see mailer_state

  session_deps deps;  ///< what the session was made with; the handlers refer to it
  std::string id;     ///< logical id "session:<connection id>"
  /// The store shard of the session's own requests (its notes commit in the order sent).
  persistence::shard_key shard{""};
  /// Requests waiting on the store; shared so that the exit hook can still read it.
  std::shared_ptr<uint32_t> inflight = std::make_shared<uint32_t>(0);
  std::map<std::string, joined_channel> channels;  ///< by channel id
  std::map<std::string, direct_burst> direct;      ///< by recipient user id
  /// An emergency broadcast in progress: the event and the groups that granted it.
  std::string emergency_event;
  std::map<std::string, talk_group_actor> emergency_groups;
  /// Client messages wait in `pending` (at most max_inflight) until the session has joined its
  /// talk groups, so that a START sent right after connecting is not refused.
  bool ready = false;
  std::vector<std::function<void()>> pending;
  uint64_t bursts = 0;
  ptt::unique_ms text_clock;         ///< keeps private text ids unique
  audio_meter audio;                 ///< this client's audio against deps.audio
  chat_sink_ptr chat_sink;           ///< where chat events reach the client (user sessions)
  int64_t last_audio_notice_us = 0;  ///< last error about audio limits sent to the client
  static inline const char* name = "session";
};

/// A session's interface: what its connection and the node tell it.
///  inbound(native::request), voiceping(frame), audio(route, target, opus): from its client
///  closed(code): the connection is gone
///  kick(code, reason): close the connection (credentials revoked, …)
///  membership(channel, hears, dispatcher): join or leave a talk group
///  unsubscribe(channel): the group dropped this session
///  direct(talk_event): private talk for this session's user
///  call(frame): a call event for this device's client
///  replaced(device): a newer VoicePing connection of the user took over
///  rejoin(attempt): load the user's talk groups again (the store was down at the last try)
///  moved(channel[, dispatcher, attempt]): the channel's group moved to another cluster
///      member: join it again where it is now
using session_actor = caf::typed_actor<
    caf::reacts_to<inbound_atom, native::request>, caf::reacts_to<voiceping_atom, voiceping::frame>,
    caf::reacts_to<audio_atom, audio_route, std::string, audio_bytes>,
    caf::reacts_to<closed_atom, uint16_t>, caf::reacts_to<kick_atom, uint16_t, std::string>,
    caf::reacts_to<membership_atom, std::string, bool, bool>,
    caf::reacts_to<unsubscribe_atom, std::string>, caf::reacts_to<direct_atom, ptt::talk_event>,
    caf::reacts_to<call_atom, shared_bytes>, caf::reacts_to<replaced_atom, std::string>,
    caf::reacts_to<rejoin_atom, uint32_t>, caf::reacts_to<moved_atom, std::string>,
    caf::reacts_to<moved_atom, std::string, bool, uint32_t>>;

/// One actor per WebSocket connection, acting for the principal that authenticated the
/// upgrade. It handles decoded native requests: `ping` at once; `echo` by committing a note
/// through the store and replying only after the commit. It registers in the directory as
/// "session:<connection id>", tagged with its principal, so that revoking the principal closes
/// it; it quits when the connection closes.
///
/// A user's session also joins every talk group the user hears (docs/protocol.md, PTT).
session_actor::behavior_type session_impl(session_actor::stateful_pointer<session_state> self,
                                          session_deps deps);

/// The sessions the directory finds by tag (dynamic handles), as what they are.
inline session_actor as_session(const caf::actor& a) {
  return caf::actor_cast<session_actor>(a);
}

}  // namespace sb
