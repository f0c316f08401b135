#include "protocols/chat/chat_json.hpp"

#include <boost/json/array.hpp>

#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"

namespace sb::chat {

namespace json = boost::json;

json::object attachment_json(const attachment& a) {
  return {{"id", a.id},
          {"name", a.name},
          {"contentType", a.content_type},
          {"size", a.size},
          {"url", "/api/v1/chat/attachments/" + a.id}};
}

json::object message_json(const message& m, const std::optional<std::string>& to_user, bool read) {
  json::array files;
  for (const auto& a : m.attachments) files.push_back(attachment_json(a));
  return {{"id", m.id},
          {"conversationId", m.conversation_id},
          {"seq", m.seq},
          {"version", m.version},
          {"fromUserId", m.sender_id},
          {"toUserId", json_or_null(to_user)},
          {"content", m.content},
          {"timestamp", iso_time(m.created_at_us)},
          {"read", read},
          {"clientMsgId", json_or_null(m.client_msg_id)},
          {"editedAt", iso_time_or_null(m.edited_at_us)},
          {"deleted", m.deleted_at_us.has_value()},
          {"attachments", std::move(files)}};
}

json::object message_json(const message& m, const conversation& c) {
  bool read = true;
  for (const auto& member : c.members) {
    if (member.user_id != m.sender_id && member.read_seq < m.seq) read = false;
  }
  std::optional<std::string> to;
  if (c.kind == "direct") to = c.contact_of(m.sender_id);
  return message_json(m, to, read);
}

json::object receipt_json(const std::string& conversation_id, const member& m) {
  return {{"conversationId", conversation_id},
          {"userId", m.user_id},
          {"readSeq", m.read_seq},
          {"deliveredSeq", m.delivered_seq},
          {"version", m.version}};
}

json::object summary_json(const summary& s, const std::string& user) {
  json::array members;
  for (const auto& m : s.conv.members) members.push_back(json::value(m.user_id));
  std::optional<std::string> contact;
  if (s.conv.kind == "direct") contact = s.conv.contact_of(user);
  return {{"id", s.conv.id},
          {"kind", s.conv.kind},
          {"name", json_or_null(s.conv.name)},
          {"contactId", json_or_null(contact)},
          {"members", std::move(members)},
          {"lastMessage", s.last ? json::value(message_json(*s.last, s.conv)) : nullptr},
          {"unreadCount", s.unread},
          {"readSeq", s.read_seq},
          {"lastSeq", s.conv.last_seq},
          {"version", s.conv.version}};
}

json::object resume_json(const resume_entry& e) {
  json::array changed, pointers;
  for (const auto& m : e.messages) changed.push_back(message_json(m, e.conv));
  for (const auto& m : e.receipts) pointers.push_back(receipt_json(e.conv.id, m));
  return {{"conversationId", e.conv.id},
          {"version", e.conv.version},
          {"limited", e.limited},
          {"messages", std::move(changed)},
          {"receipts", std::move(pointers)}};
}

std::optional<std::vector<std::pair<std::string, int64_t>>> read_since(const json::value* v,
                                                                       size_t max_entries) {
  if (!v || !v->is_object() || v->as_object().size() > max_entries) return std::nullopt;
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [id, version] : v->as_object()) {
    if (id.empty() || id.size() > 64 || !version.is_int64() || version.get_int64() < 0) {
      return std::nullopt;
    }
    out.emplace_back(std::string(id), version.get_int64());
  }
  return out;
}

std::optional<std::vector<std::string>> read_ids(const json::value* v, size_t max) {
  std::vector<std::string> out;
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > max) return std::nullopt;
  for (const auto& id : v->as_array()) {
    if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 64) {
      return std::nullopt;
    }
    out.emplace_back(id.as_string());
  }
  return out;
}

json::object presence_json(const std::string& user_id, std::string_view status,
                           const std::optional<int64_t>& last_seen_us) {
  return {{"userId", user_id}, {"status", status}, {"lastSeen", iso_time_or_null(last_seen_us)}};
}

}  // namespace sb::chat
