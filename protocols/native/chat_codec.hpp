#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/domain/chat/chat_model.hpp"

namespace sb::native {

// Chat in the native envelope (docs/protocol.md, "Chat"). `to` names a conversation: a user
// id (the direct conversation with that user) or a conversation id.

/// {"type":"chat.send","id":…,"to":…,"content":…,"clientMsgId":…,"attachmentIds":[…]}:
/// answered chat.sent once
/// committed; a resent clientMsgId is answered with the first message.
struct chat_send_request {
  std::string id;
  std::string to;
  std::string content;
  std::optional<std::string> client_msg_id;
  std::vector<std::string> attachment_ids;  ///< "attachmentIds": files uploaded over REST
};

/// {"type":"chat.read"|"chat.delivered","id":…,"to":…,"seq":N}: moves a pointer up to seq.
struct chat_pointer_request {
  std::string id;
  std::string to;
  int64_t seq = 0;
  bool read = true;
};

/// {"type":"chat.history","id":…,"to":…,"before":N,"after":N,"limit":N}
struct chat_history_request {
  std::string id;
  chat::history_query query;
};

/// {"type":"chat.edit","id":…,"messageId":…,"content":…} or {"type":"chat.delete",…}
struct chat_change_request {
  std::string id;
  std::string message_id;
  std::optional<std::string> content;  ///< nullopt: delete
};

/// {"type":"chat.sync","id":…,"since":{"<conversation id>":<version seen>,…}}: a resume,
/// answered chat.synced with each conversation's changes since.
struct chat_sync_request {
  std::string id;
  std::vector<std::pair<std::string, int64_t>> since;
};

/// {"type":"presence.subscribe","id":…,"userIds":[…]}: follow these users' presence on this
/// connection too (besides those it follows anyway), until it closes.
struct presence_subscribe_request {
  std::string id;
  std::vector<std::string> user_ids;
};

/// The most users one presence.subscribe may name on the wire (chat.presence_watch_limit
/// applies).
constexpr size_t kMaxPresenceIds = 10'000;

/// {"type":"presence.subscribed","id":…,"userIds":[…]}: the users now followed: those of the
/// asked that are users of the tenant.
std::string encode_presence_subscribed(std::string_view id, const std::vector<std::string>& users);

/// The most conversations a chat.sync may name on the wire (chat.resume_conversations applies).
constexpr size_t kMaxSyncEntries = 10'000;

/// {"type":"chat.synced","id":…,"conversations":[resume_json…]}
std::string encode_chat_synced(std::string_view id, const std::vector<chat::resume_entry>& found);

/// {"type":"chat.sent"|"chat.changed","id":…,"message":{…}}
std::string encode_chat_message_reply(std::string_view type, std::string_view id,
                                      const chat::message& m, const chat::conversation& c);
/// {"type":"chat.history","id":…,"messages":[…],"hasMore":bool}
std::string encode_chat_history(std::string_view id, const std::vector<chat::message>& messages,
                                const chat::conversation& c, bool has_more);
/// {"type":"chat.pointer","id":…,"receipt":{…}}
std::string encode_chat_pointer(std::string_view id, const std::string& conversation_id,
                                const chat::member& m);

// Events to members' devices; none carries a request id.
/// {"type":"chat.message"|"chat.updated","message":{…}}
std::string encode_chat_event(std::string_view type, const chat::message& m,
                              const chat::conversation& c);
/// {"type":"chat.typing","conversationId":…,"userId":…,"typing":bool}
std::string encode_chat_typing(const std::string& conversation_id, const std::string& user_id,
                               bool typing);
/// {"type":"presence","userId":…,"status":…,"lastSeen":…}
std::string encode_presence(const std::string& user_id, std::string_view status,
                            const std::optional<int64_t>& last_seen_us);
/// {"type":"chat.receipt","receipt":{…}}
std::string encode_chat_receipt(const std::string& conversation_id, const chat::member& m);

}  // namespace sb::native
