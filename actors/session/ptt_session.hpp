#pragma once

#include <caf/stateful_actor.hpp>

#include <string>

#include "actors/ptt/ptt_atoms.hpp"
#include "actors/session/session_actor.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

// The push-to-talk part of a native session: joining talk groups, and turning ptt.start,
// ptt.stop, text and binary audio frames into talk-group requests.

using session_ptr = caf::stateful_actor<session_state>*;

/// Joins every talk group the user hears (once, when the session starts).
void join_heard_channels(session_ptr self, const session_deps& deps);

/// Joins (hears = true) or leaves one talk group.
void update_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                    bool hears, bool dispatcher);

/// Forgets a channel the session no longer hears, and tells the client.
void left_channel(session_ptr self, const session_deps& deps, const std::string& channel);

void handle_ptt_start(session_ptr self, const session_deps& deps, const native::ptt_start& r);
void handle_ptt_stop(session_ptr self, const session_deps& deps, const native::ptt_stop& r);
void handle_text(session_ptr self, const session_deps& deps, native::text_message& r);
void handle_audio(session_ptr self, const session_deps& deps, const std::string& channel,
                  const audio_bytes& opus);

}  // namespace sb
