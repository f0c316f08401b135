#pragma once

#include "actors/session/group_talk.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

// The native protocol's PTT requests (docs/protocol.md, "Push-to-talk"): each one runs group
// talk, private talk or an emergency broadcast and answers in the native envelope.

void handle_ptt_start(session_ptr self, const session_deps& deps, const native::ptt_start& r);
void handle_ptt_stop(session_ptr self, const session_deps& deps, const native::ptt_stop& r);
void handle_text(session_ptr self, const session_deps& deps, native::text_message& r);
void handle_receipt(session_ptr self, const session_deps& deps, const native::receipt& r);
void handle_emergency_start(session_ptr self, const session_deps& deps,
                            const native::emergency_start& r);
void handle_emergency_stop(session_ptr self, const session_deps& deps,
                           const native::emergency_stop& r);
void handle_audio(session_ptr self, const session_deps& deps, audio_route route,
                  const std::string& target, const audio_bytes& opus);

}  // namespace sb
