#pragma once

#include <functional>
#include <string>

#include "actors/session/group_talk.hpp"
#include "config/domain/ptt/talk_event.hpp"

namespace sb {

// Private (1:1) talk for a session of any wire protocol. The sending session keeps the burst
// (the recipient's sessions, found in the directory when the burst starts, and the recording)
// and sends each event straight to those sessions, which encode it in their own protocol.
// The recipient must be a user of the sender's tenant.

/// Starts a burst to `to`; `failed(not_found)` for a user outside the tenant.
void start_direct(session_ptr self, const session_deps& deps, const std::string& to,
                  std::string start_raw, std::function<void()> done, failed_fn failed);

void send_direct_audio(session_ptr self, const session_deps& deps, const std::string& to,
                       const audio_bytes& opus);

/// Ends the burst to `to`: `done(message id, duration)` once it is committed ("" and 0 when
/// there was none).
void stop_direct(session_ptr self, const session_deps& deps, const std::string& to,
                 std::function<void(const std::string&, int64_t)> done);

/// Stores a text for `to` and forwards it: `done(message id)` after the commit.
void send_direct_text(session_ptr self, const session_deps& deps, const std::string& to,
                      std::string text, std::function<void(const std::string&)> done,
                      failed_fn failed);

/// Records that this user got (or read) the message `message_id` from `to`, and tells `to`.
void send_receipt(session_ptr self, const session_deps& deps, const std::string& to,
                  const std::string& message_id, bool read, std::function<void()> done,
                  failed_fn failed);

/// The recipient's side: writes a private talk event to this session's client.
void deliver_direct(const session_deps& deps, const ptt::talk_event& e);

/// Ends every burst of a session that is going away (committed by a helper actor).
void abandon_direct_bursts(session_ptr self, const session_deps& deps);

}  // namespace sb
