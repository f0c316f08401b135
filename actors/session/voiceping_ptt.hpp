#pragma once

#include <string>

#include "actors/session/group_talk.hpp"
#include "protocols/voiceping/frame.hpp"

namespace sb {

// A session's handling of VoicePing frames (docs/protocol.md, VoicePing): the original
// router's reply sequences and payload strings, on top of the same group and private talk as
// native sessions. The sender is always the authenticated user, whatever the frame's fromId.

/// Handles one decoded frame from the client.
void handle_voiceping(session_ptr self, const session_deps& deps, voiceping::frame& f);

/// One live VoicePing connection per user: tells the user's older VoicePing sessions that
/// this one replaces them.
void replace_older_connections(session_ptr self, const session_deps& deps);

/// An older session's side: LOGIN_DUPLICATED when the new connection is from another device,
/// then the connection is closed (4409).
void replaced_by(const session_deps& deps, const std::string& new_device);

}  // namespace sb
