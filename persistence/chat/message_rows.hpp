#pragma once

#include "config/domain/chat/chat_model.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence::detail {

/// The columns of chat_messages a chat::message is read from, in SELECT-list form.
inline constexpr const char* kMessageColumns =
    "id, conversation_id, sender_id, client_msg_id, content, seq, version, created_at_us, "
    "edited_at_us, deleted_at_us, attachments";

/// A message from a row holding kMessageColumns.
chat::message read_message(const row_reader& in);

}  // namespace sb::persistence::detail
