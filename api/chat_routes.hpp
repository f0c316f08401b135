#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// Chat (docs/api.md, "Chat"): /api/v1/chat/conversations (list, create a group), a
/// conversation's messages (history by seq with before/after, send), its read pointer, and
/// /api/v1/chat/messages/:id (edit, delete). `:contactId` is a user of the tenant (the direct
/// conversation with them) or a conversation id.
void add_chat_routes(router& r, context& ctx);

}  // namespace sb::api
