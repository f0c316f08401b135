#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/ground/errc.hpp"

namespace sb::chat {

/// A file uploaded to a conversation, as a message carries it.
struct attachment {
  std::string id;
  std::string name;
  std::string content_type;
  int64_t size = 0;
};

/// One message of a conversation's log. `seq` orders the log and never changes; `version`
/// is the conversation's change counter at the message's last change (sent, edited, deleted).
/// A deleted message keeps its place with empty content.
struct message {
  std::string id;
  std::string conversation_id;
  std::string sender_id;
  std::optional<std::string> client_msg_id;
  std::string content;
  int64_t seq = 0;
  int64_t version = 0;
  int64_t created_at_us = 0;
  std::optional<int64_t> edited_at_us;
  std::optional<int64_t> deleted_at_us;
  std::vector<attachment> attachments;
};

/// A member's place in a conversation: read and delivered "up to" pointers (XEP-0333 style:
/// they only move forward), and the version of their last move.
struct member {
  std::string user_id;
  int64_t read_seq = 0;
  int64_t delivered_seq = 0;
  int64_t version = 0;
};

/// A conversation: direct (two users of a tenant) or a named group.
struct conversation {
  std::string id;
  std::string tenant_id;
  std::string kind;  ///< direct | group
  std::optional<std::string> name;
  int64_t last_seq = 0;
  int64_t version = 0;
  std::vector<member> members;

  const member* find(const std::string& user_id) const;
  /// The other member of a direct conversation (the "contact" of the seed's routes).
  std::string contact_of(const std::string& user_id) const;
};

/// A conversation as a member's list shows it.
struct summary {
  conversation conv;
  std::optional<message> last;  ///< the newest message not deleted
  int64_t unread = 0;           ///< messages of others past the read pointer, not deleted
  int64_t read_seq = 0;
};

/// One conversation of a resume: the conversation as it is now (its version is the mark to
/// apply nothing at or below again), and what changed since the client's version, or
/// `limited` (too much: the client reloads its history instead).
struct resume_entry {
  conversation conv;
  std::vector<message> messages;  ///< in version order
  std::vector<member> receipts;
  bool limited = false;
};

/// A page of history asked for: the conversation (`to`: a user or a conversation id), and the
/// newest `limit` before seq `before`, or the oldest `limit` after seq `after`.
struct history_query {
  std::string to;
  std::optional<int64_t> before;
  std::optional<int64_t> after;
  std::optional<int64_t> limit;
};

/// The pair key that makes a direct conversation unique in a tenant.
std::string direct_key(const std::string& a, const std::string& b);

/// Why a request about a conversation is refused (nullopt: allowed).
struct refusal {
  errc code;
  std::string message;
};

/// Content limits: not empty (after trimming spaces), valid UTF-8, at most `max_bytes`. With
/// attachments the content may be empty (a file sent alone).
std::optional<refusal> check_content(std::string_view content, size_t max_bytes,
                                     bool has_attachments = false);

/// A file name as it is stored and sent back: its last path segment, without control
/// characters, quotes and backslashes, valid UTF-8, at most 255 bytes; "file" when nothing is
/// left.
std::string safe_file_name(std::string_view name);

/// A MIME type as it is stored and served: "type/subtype" of token characters (parameters
/// dropped), else application/octet-stream.
std::string safe_content_type(std::string_view type);

/// Who may change a message: its author edits it; its author or a tenant admin deletes it.
/// A deleted message is gone for both.
std::optional<refusal> may_edit(const message& m, const std::string& user_id);
std::optional<refusal> may_delete(const message& m, const std::string& user_id, bool admin);

}  // namespace sb::chat
