#include "config/domain/chat/chat_model.hpp"

#include <algorithm>

#include "config/ground/utf8.hpp"

namespace sb::chat {

const member* conversation::find(const std::string& user_id) const {
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const member& m) { return m.user_id == user_id; });
  return it == members.end() ? nullptr : &*it;
}

std::string conversation::contact_of(const std::string& user_id) const {
  for (const auto& m : members) {
    if (m.user_id != user_id) return m.user_id;
  }
  return user_id;  // a conversation with oneself
}

std::string direct_key(const std::string& a, const std::string& b) {
  return a < b ? a + ":" + b : b + ":" + a;
}

std::optional<refusal> check_content(std::string_view content, size_t max_bytes) {
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return refusal{errc::bad_request, "content must not be empty"};
  }
  if (content.size() > max_bytes) {
    return refusal{errc::payload_too_large, "content is " + std::to_string(content.size()) +
                                                " bytes; at most " + std::to_string(max_bytes) +
                                                " (chat.max_message_bytes)"};
  }
  if (!is_valid_utf8(content)) return refusal{errc::bad_request, "content must be valid UTF-8"};
  return std::nullopt;
}

std::optional<refusal> may_edit(const message& m, const std::string& user_id) {
  if (m.deleted_at_us) return refusal{errc::not_found, "message " + m.id + " was deleted"};
  if (m.sender_id != user_id) {
    return refusal{errc::forbidden, "only the author may edit a message"};
  }
  return std::nullopt;
}

std::optional<refusal> may_delete(const message& m, const std::string& user_id, bool admin) {
  if (m.deleted_at_us) return refusal{errc::not_found, "message " + m.id + " was deleted"};
  if (m.sender_id != user_id && !admin) {
    return refusal{errc::forbidden, "only the author or a tenant admin may delete a message"};
  }
  return std::nullopt;
}

}  // namespace sb::chat
