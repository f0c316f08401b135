#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/domain/chat/chat_model.hpp"

namespace sb::chat {

/// A message as every client sees it (docs/api.md, "Chat"): the seed's ChatMessage (id,
/// fromUserId, toUserId, content, timestamp, read) with conversationId, seq, version,
/// clientMsgId, editedAt and deleted. `to_user` is the other member of a direct conversation
/// (null for a group); `read` says whether the recipients have read it.
boost::json::object message_json(const message& m, const std::optional<std::string>& to_user,
                                 bool read);

/// An attachment: {id, name, contentType, size, url} (url: where members fetch it).
boost::json::object attachment_json(const attachment& a);

/// A message of `c` with toUserId and read worked out from the conversation's members.
boost::json::object message_json(const message& m, const conversation& c);

/// A member's pointers: {conversationId, userId, readSeq, deliveredSeq, version}.
boost::json::object receipt_json(const std::string& conversation_id, const member& m);

/// A conversation in `user`'s list: id, kind, name, contactId, members, lastMessage,
/// unreadCount, readSeq, lastSeq, version.
boost::json::object summary_json(const summary& s, const std::string& user);

/// One conversation of a resume: {conversationId, version (apply nothing at or below it
/// again), limited (true: reload the history instead), messages (changed, in version order),
/// receipts}.
boost::json::object resume_json(const resume_entry& e);

/// A resume's positions: a JSON object of conversation id → the version the client saw (a
/// whole number >= 0), at most `max_entries`. nullopt when it is anything else.
std::optional<std::vector<std::pair<std::string, int64_t>>> read_since(const boost::json::value* v,
                                                                       size_t max_entries);

/// A list of ids (a message's attachments, the users a connection subscribes to): absent →
/// none; an array of at most `max` non-empty strings of up to 64 bytes; nullopt when it is
/// anything else.
std::optional<std::vector<std::string>> read_ids(const boost::json::value* v, size_t max);

/// The most attachments a message names on the wire (chat.max_message_attachments applies).
constexpr size_t kMaxAttachmentIds = 100;

/// A user's presence: {userId, status (online | away | offline), lastSeen (ISO 8601 or null)}.
boost::json::object presence_json(const std::string& user_id, std::string_view status,
                                  const std::optional<int64_t>& last_seen_us);

}  // namespace sb::chat
