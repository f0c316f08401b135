#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/domain/chat/chat_model.hpp"
#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// The direct conversation of `user` and `other`, made on first use. store_error(not_found)
/// when `other` is not a user of the tenant.
chat::conversation direct_conversation(soci::session& sql, const tenant_scope& scope,
                                       const std::string& user, const std::string& other,
                                       int64_t now_us);

/// A named group of `creator` and `members` (users of the tenant; not_found otherwise).
chat::conversation create_group(soci::session& sql, const tenant_scope& scope,
                                const std::string& creator, const std::string& name,
                                const std::vector<std::string>& members, int64_t now_us);

/// The conversation `target` names for `user`: the direct conversation with the user
/// `target` (made on first use when `create`), or the conversation `target` that `user` is a
/// member of. store_error(not_found) otherwise: a conversation one is not in does not exist.
chat::conversation resolve_conversation(soci::session& sql, const tenant_scope& scope,
                                        const std::string& user, const std::string& target,
                                        bool create, int64_t now_us);

/// The id of the conversation `target` names for `user`, as resolve_conversation finds it,
/// but without reading the members of a conversation named by its id: its actor, which holds
/// them, answers for one who is not a member (sending to a channel of thousands reads no
/// member list).
std::string resolve_conversation_id(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user, const std::string& target, bool create,
                                    int64_t now_us);

/// The conversation and its members; nullopt when the tenant has no such conversation.
std::optional<chat::conversation> find_conversation(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id);

/// The conversation of the talk-group channel `channel_id` (same id, kind "channel", the
/// channel's name), made on first use, with its members brought in line with the channel's
/// active listeners (a listener who left loses the conversation; a new one joins it with
/// nothing read). A conversation whose channel is gone keeps its last members; nullopt when
/// there was never such a channel in the tenant.
std::optional<chat::conversation> channel_conversation(soci::session& sql,
                                                       const tenant_scope& scope,
                                                       const std::string& channel_id,
                                                       int64_t now_us);

/// find_conversation, and for a talk-group channel channel_conversation: what a conversation
/// actor loads.
std::optional<chat::conversation> load_conversation(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id, int64_t now_us);

/// What an append did: the message, and whether it was there already (the sender's
/// client_msg_id was used before in this conversation: nothing new is written).
struct appended {
  chat::message message;
  bool duplicate = false;
};

/// What to append: the sender's message, its id (a talk-group channel's messages carry the
/// VoicePing form, chat::channel_message_id; others a UUID when empty), its client id and the
/// sender's uploaded attachments (claim_attachments).
struct new_message {
  std::string id;
  std::string sender;
  std::string content;
  std::optional<std::string> client_msg_id;
  std::vector<std::string> attachment_ids;
};

/// Appends a message at the conversation's next seq (and version).
appended append_message(soci::session& sql, const tenant_scope& scope,
                        const std::string& conversation_id, const new_message& in, int64_t now_us);

std::optional<chat::message> find_message(soci::session& sql, const tenant_scope& scope,
                                          const std::string& id);

/// Replaces a message's content (edit) or empties it (delete, when `content` is nullopt) at
/// the conversation's next version; returns the message as it is now.
chat::message change_message(soci::session& sql, const tenant_scope& scope, const chat::message& m,
                             const std::optional<std::string>& content, int64_t now_us);

/// A page of a conversation's log in seq order.
struct message_page {
  std::vector<chat::message> messages;
  bool has_more = false;  ///< more past the page, in the direction asked
};

/// Up to `limit` messages before seq `before` (the newest of them; no bound when nullopt), or
/// after seq `after` (the oldest of them) when that is given.
message_page history(soci::session& sql, const tenant_scope& scope,
                     const std::string& conversation_id, std::optional<int64_t> before,
                     std::optional<int64_t> after, int64_t limit);

/// Moves `user`'s read (or delivered) pointer up to `seq` (never back, never past the log);
/// a read pointer pulls the delivered one along. Returns the member when a pointer moved.
std::optional<chat::member> move_pointer(soci::session& sql, const tenant_scope& scope,
                                         const std::string& conversation_id,
                                         const std::string& user, bool read, int64_t seq);

/// Messages of others past `read_seq` that are not deleted.
int64_t unread_count(soci::session& sql, const tenant_scope& scope,
                     const std::string& conversation_id, const std::string& user, int64_t read_seq);

/// `user`'s conversations, the most recently active first.
std::vector<chat::summary> conversations_of(soci::session& sql, const tenant_scope& scope,
                                            const std::string& user);

/// What changed in a conversation after `version`, in version order: messages (sent, edited,
/// deleted) and members' pointers. `limited` when more than `limit` messages changed: only
/// the first `limit` are given and the client reloads the rest from history.
struct change_set {
  std::vector<chat::message> messages;
  std::vector<chat::member> members;
  bool limited = false;
};
change_set changes_since(soci::session& sql, const tenant_scope& scope,
                         const std::string& conversation_id, int64_t version, int64_t limit);

/// The changes of every conversation in `since` (id → the version the client saw) that `user`
/// is in, at most `limit` each; conversations the user is not in are left out.
std::vector<chat::resume_entry> resume(soci::session& sql, const tenant_scope& scope,
                                       const std::string& user,
                                       const std::vector<std::pair<std::string, int64_t>>& since,
                                       int64_t limit);

}  // namespace sb::persistence
