#include "config/domain/chat/chat_model.hpp"

#include <algorithm>
#include <cctype>

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

std::optional<refusal> check_content(std::string_view content, size_t max_bytes,
                                     bool has_attachments) {
  if (!has_attachments && content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
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

std::string safe_file_name(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '"' || c == '\\') continue;
    out.push_back(c);
  }
  if (out.size() > 255) out.resize(255);
  while (!out.empty() && !is_valid_utf8(out)) out.pop_back();  // a cut character
  if (out.empty() || out == "." || out == "..") return "file";
  return out;
}

std::string safe_content_type(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  auto token = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
  };
  auto slash = type.find('/');
  bool ok = slash != std::string_view::npos && slash > 0 && slash + 1 < type.size() &&
            type.size() <= 127 &&
            std::all_of(type.begin(), type.begin() + static_cast<long>(slash), token) &&
            std::all_of(type.begin() + static_cast<long>(slash) + 1, type.end(), token);
  if (!ok) return "application/octet-stream";
  std::string out(type);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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
