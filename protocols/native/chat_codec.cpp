#include "protocols/native/chat_codec.hpp"

#include <boost/json.hpp>

#include "protocols/chat/chat_json.hpp"
#include "protocols/native/envelope.hpp"

namespace sb::native {

namespace json = boost::json;
using detail::append_string_field;

namespace {

/// Bytes of content the decoder takes; the conversation applies chat.max_message_bytes.
constexpr size_t kMaxContentBytes = 1024 * 1024;
constexpr size_t kMaxTargetBytes = 64;

std::string with_field(std::string envelope, std::string_view name, const json::value& v) {
  envelope += ",\"";
  envelope += name;
  envelope += "\":";
  envelope += json::serialize(v);
  envelope += "}";
  return envelope;
}

/// An integer field: nullopt when absent; `bad` when present but not a whole number >= 0.
std::optional<int64_t> count_field(const json::object& o, std::string_view name, bool& bad) {
  const auto* v = o.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= INT64_MAX) return static_cast<int64_t>(v->get_uint64());
  bad = true;
  return std::nullopt;
}

}  // namespace

namespace detail {

std::variant<request, decode_failure> decode_chat(json::string_view type, const json::object& o,
                                                  const std::string& id) {
  if (type == "chat.edit" || type == "chat.delete") {
    auto message_id = string_field(o, "messageId", kMaxTargetBytes);
    std::optional<std::string> content;
    if (type == "chat.edit") {
      content = string_field(o, "content", kMaxContentBytes);
      if (!content) return decode_failure{id, errc::bad_request, "chat.edit needs content"};
    }
    if (!message_id) {
      return decode_failure{id, errc::bad_request, std::string(type) + " needs messageId"};
    }
    return request{chat_change_request{id, *message_id, std::move(content)}};
  }
  if (type == "chat.sync") {
    auto since = chat::read_since(o.if_contains("since"), kMaxSyncEntries);
    if (!since) {
      return decode_failure{id, errc::bad_request,
                            "chat.sync needs since: {conversation id: version seen, …}"};
    }
    return request{chat_sync_request{id, std::move(*since)}};
  }
  if (type == "presence.subscribe") {
    auto users = chat::read_ids(o.if_contains("userIds"), kMaxPresenceIds);
    if (!users || users->empty()) {
      return decode_failure{id, errc::bad_request,
                            "presence.subscribe needs userIds: an array of user ids"};
    }
    return request{presence_subscribe_request{id, std::move(*users)}};
  }
  if (!type.starts_with("chat.")) return detail::unknown_type(type, id);
  auto to = string_field(o, "to", kMaxTargetBytes);
  if (!to) {
    return decode_failure{id, errc::bad_request,
                          std::string(type) + " needs to (a user or conversation id)"};
  }
  bool bad = false;
  if (type == "chat.send") {
    auto files = chat::read_ids(o.if_contains("attachmentIds"), chat::kMaxAttachmentIds);
    auto content = string_field(o, "content", kMaxContentBytes);
    if (!content && files && !files->empty() && !o.contains("content")) content = "";
    if (!content) return decode_failure{id, errc::bad_request, "chat.send needs content"};
    if (!files) {
      return decode_failure{id, errc::bad_request,
                            "attachmentIds must be an array of attachment ids"};
    }
    auto client_id = string_field(o, "clientMsgId", 128);
    if (o.contains("clientMsgId") && (!client_id || client_id->empty())) bad = true;
    if (bad) {
      return decode_failure{id, errc::bad_request, "clientMsgId must be a string of 1-128 bytes"};
    }
    return request{
        chat_send_request{id, *to, std::move(*content), std::move(client_id), std::move(*files)}};
  }
  if (type == "chat.read" || type == "chat.delivered") {
    auto seq = count_field(o, "seq", bad);
    if (!seq || bad) {
      return decode_failure{id, errc::bad_request, std::string(type) + " needs seq (>= 0)"};
    }
    return request{chat_pointer_request{id, *to, *seq, type == "chat.read"}};
  }
  if (type == "chat.history") {
    chat_history_request h{id,
                           {*to, count_field(o, "before", bad), count_field(o, "after", bad),
                            count_field(o, "limit", bad)}};
    if (bad) {
      return decode_failure{id, errc::bad_request,
                            "before, after and limit must be whole numbers >= 0"};
    }
    return request{h};
  }
  return detail::unknown_type(type, id);
}

}  // namespace detail

std::string encode_presence_subscribed(std::string_view id, const std::vector<std::string>& users) {
  json::array ids;
  for (const auto& u : users) ids.emplace_back(u);
  return with_field(detail::open_envelope("presence.subscribed", id), "userIds", ids);
}

std::string encode_chat_synced(std::string_view id, const std::vector<chat::resume_entry>& found) {
  json::array items;
  for (const auto& e : found) items.push_back(chat::resume_json(e));
  return with_field(detail::open_envelope("chat.synced", id), "conversations", items);
}

std::string encode_chat_message_reply(std::string_view type, std::string_view id,
                                      const chat::message& m, const chat::conversation& c) {
  return with_field(detail::open_envelope(type, id), "message", chat::message_json(m, c));
}

std::string encode_chat_history(std::string_view id, const std::vector<chat::message>& messages,
                                const chat::conversation& c, bool has_more) {
  json::array items;
  for (const auto& m : messages) items.push_back(chat::message_json(m, c));
  auto out = detail::open_envelope("chat.history", id);
  out += ",\"hasMore\":";
  out += has_more ? "true" : "false";
  return with_field(std::move(out), "messages", items);
}

std::string encode_chat_pointer(std::string_view id, const std::string& conversation_id,
                                const chat::member& m) {
  return with_field(detail::open_envelope("chat.pointer", id), "receipt",
                    chat::receipt_json(conversation_id, m));
}

std::string encode_chat_event(std::string_view type, const chat::message& m,
                              const chat::conversation& c) {
  return with_field(detail::open_envelope(type, ""), "message", chat::message_json(m, c));
}

std::string encode_chat_typing(const std::string& conversation_id, const std::string& user_id,
                               bool typing) {
  auto out = detail::open_envelope("chat.typing", "");
  append_string_field(out, "conversationId", conversation_id);
  append_string_field(out, "userId", user_id);
  out += typing ? R"(,"typing":true})" : R"(,"typing":false})";
  return out;
}

std::string encode_presence(const std::string& user_id, std::string_view status,
                            const std::optional<int64_t>& last_seen_us) {
  auto out = detail::open_envelope("presence", "");
  for (const auto& [k, v] : chat::presence_json(user_id, status, last_seen_us)) {
    out += ",\"";
    out += k;
    out += "\":";
    out += json::serialize(v);
  }
  return out + "}";
}

std::string encode_chat_receipt(const std::string& conversation_id, const chat::member& m) {
  return with_field(detail::open_envelope("chat.receipt", ""), "receipt",
                    chat::receipt_json(conversation_id, m));
}

}  // namespace sb::native
