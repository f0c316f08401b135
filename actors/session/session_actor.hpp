#pragma once

#include "actors/directory/directory.hpp"
#include "actors/ptt/recorder_actor.hpp"

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/calls/call_actor.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/session/audio_meter.hpp"
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
  const ptt::encoder* encoder = nullptr;   ///< talk events in this session's protocol
  recorder_actor recorder;                 ///< for private talk bursts
  std::string device_id;                   ///< VoicePing: the client's device
  bool user_add = false;                   ///< VoicePing: USER_ADD/USER_REMOVE are honoured
  std::shared_ptr<const call_deps> calls;  ///< native user sessions: calls (else null)
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
  int64_t last_text_ms = 0;          ///< keeps private text ids unique
  audio_meter audio;                 ///< this client's audio against deps.audio
  int64_t last_audio_notice_us = 0;  ///< last error about audio limits sent to the client
  static inline const char* name = "session";
};

/// One actor per WebSocket connection, acting for the principal that authenticated the
/// upgrade. It handles decoded native requests: `ping` at once; `echo` by committing a note
/// through the store and replying only after the commit. It registers in the directory as
/// "session:<connection id>", tagged with its principal, so that revoking the principal closes
/// it; it quits when the connection closes.
///
/// A user's session also joins every talk group the user hears (docs/protocol.md, PTT).
///
/// Messages: (inbound_atom, native::request); (closed_atom, uint16_t code);
/// (kick_atom, uint16_t code, std::string reason): close the connection;
/// (audio_atom, std::string channel, audio_bytes): a binary audio frame from the client;
/// (membership_atom, std::string channel, bool hears, bool dispatcher): join or leave a group;
/// (unsubscribe_atom, std::string channel): the group dropped this session;
/// (voiceping_atom, voiceping::frame): a frame from a VoicePing client;
/// (replaced_atom, std::string device): a newer VoicePing connection of the user took over;
/// (call_atom, ws::frame_ptr): a call event for this device's client.
caf::behavior session_actor(caf::stateful_actor<session_state>* self, session_deps deps);

}  // namespace sb
