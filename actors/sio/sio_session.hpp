#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "protocols/socketio/connection.hpp"

// A client's events go only to the Socket.IO session of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::socketio::incoming)

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/calls/call_actor.hpp"
#include "actors/chat/chat_sink.hpp"
#include "actors/chat/conversation.hpp"
#include "actors/directory/directory.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/shared_bytes.hpp"
#include "config/domain/identity/principal.hpp"
#include "config/domain/ptt/talk_event.hpp"
#include "protocols/calls/sio_calls.hpp"

namespace sb {

/// What a Socket.IO session needs from its node.
struct sio_session_deps {
  std::shared_ptr<socketio::connection> conn;
  std::string nsp = "/";
  principal who;                  ///< authenticated by the CONNECT packet
  std::vector<std::string> tags;  ///< directory tags: principal, tenant
  std::shared_ptr<const chat_deps> chat;
  std::shared_ptr<const call_deps> calls;
};

struct sio_session_state {
  sio_session_state() = default;  // not an aggregate (docs/architecture.md)

  sio_session_deps deps;
  std::string id;           ///< "session:sio-<Engine.IO sid>"
  chat_sink_ptr chat_sink;  ///< where chat events reach the client
  /// The call vocabulary the client spoke last (seed 004's or seed 003's); call events go to
  /// it in that one.
  calls::sio::dialect call_dialect = calls::sio::dialect::softphone;
  static inline const char* name = "sio_session";
};

/// A Socket.IO session's interface:
///  sio_event(incoming): an event its client emitted
///  closed(code): the client left the namespace or the connection ended
///  kick(code, reason): close the connection (credentials revoked, …)
///  call(frame): a call event for this device (the native event, translated)
///  membership, direct: push-to-talk traffic for the user's sessions; not served over
///    Socket.IO, dropped
using sio_session_actor = caf::typed_actor<
    caf::reacts_to<sio_event_atom, socketio::incoming>, caf::reacts_to<closed_atom, uint16_t>,
    caf::reacts_to<kick_atom, uint16_t, std::string>,
    caf::reacts_to<membership_atom, std::string, bool, bool>,
    caf::reacts_to<direct_atom, ptt::talk_event>, caf::reacts_to<call_atom, shared_bytes>>;

/// One actor per Socket.IO connection of a user (the main namespace): the UCaaS web client's
/// chat events (docs/protocol.md, "Socket.IO") served by the same conversation actors as the
/// native protocol. Registered in the directory as "session:sio-<sid>" with the user's tags.
sio_session_actor::behavior_type sio_session_impl(
    sio_session_actor::stateful_pointer<sio_session_state> self, sio_session_deps deps);

}  // namespace sb
