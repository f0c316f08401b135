#pragma once

#include "actors/chat/chat_messages.hpp"
#include "actors/session/group_talk.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

// The native protocol's chat requests (docs/protocol.md, "Chat"): a user's session sends,
// pages history, moves its read and delivered pointers, edits and deletes; each request is
// answered with its id once committed, and every other device of every member hears the
// change as an event.

void handle_chat_send(session_ptr self, const session_deps& deps, native::chat_send_request& r);
void handle_chat_pointer(session_ptr self, const session_deps& deps,
                         native::chat_pointer_request& r);
void handle_chat_history(session_ptr self, const session_deps& deps,
                         native::chat_history_request& r);
void handle_chat_change(session_ptr self, const session_deps& deps, native::chat_change_request& r);

/// A resume: each named conversation's changes since the version the client saw, with the
/// live events held meanwhile so that nothing is missed or told twice.
void handle_chat_sync(session_ptr self, const session_deps& deps, native::chat_sync_request& r);

/// Follows more users' presence on this connection (presence.subscribe).
void handle_presence_subscribe(session_ptr self, const session_deps& deps,
                               native::presence_subscribe_request& r);

/// Registers the session's connection with the node's chat sinks (a user's session): the
/// conversations of its user write their events to it directly. Unregistered when it ends.
void open_chat_sink(session_ptr self, const session_deps& deps);

}  // namespace sb
