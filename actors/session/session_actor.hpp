#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/identity/principal.hpp"
#include "actors/runtime/lifecycle.hpp"
#include "config/node_config.hpp"
#include "persistence/store.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

/// What a session actor needs from its node.
struct session_deps {
  ws::outbound_ptr out;
  principal who;                  ///< authenticated at the upgrade
  std::vector<std::string> tags;  ///< directory tags: principal, tenant, API key
  persistence::store_ptr store;
  caf::actor directory;
  std::shared_ptr<lifecycle> node;
  uint32_t max_inflight = 256;
  std::chrono::milliseconds store_timeout{5000};
};

/// A talk group the session listens to.
struct joined_channel {
  caf::actor group;
  bool dispatcher = false;
};

struct session_state {
  session_state() = default;  // not an aggregate, see mailer_state

  std::string id;      ///< logical id "session:<connection id>"
  uint64_t shard = 0;  ///< store shard key, fixed per session
  /// Requests waiting on the store; shared so that the exit hook can still read it.
  std::shared_ptr<uint32_t> inflight = std::make_shared<uint32_t>(0);
  std::map<std::string, joined_channel> channels;  ///< by channel id
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
/// (unsubscribe_atom, std::string channel): the group dropped this session.
caf::behavior session_actor(caf::stateful_actor<session_state>* self, session_deps deps);

}  // namespace sb
