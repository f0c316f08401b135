#include "protocols/chat/sio_chat.hpp"

#include <boost/json.hpp>

#include "protocols/chat/chat_json.hpp"
#include "protocols/socketio/packet.hpp"

namespace sb::chat::sio {

namespace json = boost::json;

namespace {

constexpr size_t kMaxContentBytes = 1024 * 1024;  // the conversation applies its own limit
constexpr size_t kMaxIdBytes = 128;

/// Reads the fields of an event's payload object, collecting what is wrong.
class reader {
 public:
  explicit reader(const json::object& o) : o_(o) {}

  std::optional<std::string> text(std::string_view name, size_t max, bool required) {
    const auto* v = o_.if_contains(name);
    if (!v || v->is_null()) {
      if (required) problem(std::string(name) + " is required");
      return std::nullopt;
    }
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max) {
      problem(std::string(name) + " must be a string of 1-" + std::to_string(max) + " bytes");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }
  std::optional<int64_t> count(std::string_view name) {
    const auto* v = o_.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
    problem(std::string(name) + " must be a whole number >= 0");
    return std::nullopt;
  }
  /// The conversation: conversationId, or the other user.
  std::string target() {
    for (auto name : {"conversationId", "toUserId", "contactId", "userId", "to"}) {
      if (o_.contains(name)) return text(name, 64, true).value_or("");
    }
    problem("name the conversation: conversationId, or toUserId / contactId");
    return "";
  }
  void problem(std::string what) {
    if (error_.empty()) error_ = std::move(what);
  }
  const std::string& error() const { return error_; }

 private:
  const json::object& o_;
  std::string error_;
};

std::string event_packet(std::string_view name, json::value data) {
  socketio::packet p;
  p.type = socketio::packet_type::event;
  p.data = json::array{json::string(name), std::move(data)};
  return socketio::encode(p);
}

}  // namespace

std::variant<request, failure> decode(const json::array& args) {
  if (args.empty() || !args[0].is_string()) return failure{errc::bad_request, "no event name"};
  std::string_view name = args[0].as_string();
  static const json::object none;
  const json::object* payload = &none;
  if (args.size() > 1) {
    if (!args[1].is_object()) return failure{errc::bad_request, "the payload must be an object"};
    payload = &args[1].as_object();
  }
  reader in(*payload);
  request out;
  if (name == "user:register") {
    out = register_request{in.text("userId", 64, false)};
  } else if (name == "message:send") {
    auto to = in.target();
    auto files = read_ids(payload->if_contains("attachmentIds"), kMaxAttachmentIds);
    if (!files) in.problem("attachmentIds must be an array of attachment ids");
    bool files_only = files && !files->empty() && !payload->contains("content");
    auto content = in.text("content", kMaxContentBytes, !files_only).value_or("");
    out = send_request{to, std::move(content), in.text("clientMsgId", kMaxIdBytes, false),
                       files.value_or(std::vector<std::string>{})};
  } else if (name == "messages:read") {
    auto to = in.target();
    auto seq = in.count("upToSeq");
    out = read_request{to, seq ? seq : in.count("seq")};
  } else if (name == "conversation:load") {
    auto to = in.target();
    out = load_request{to, in.count("before"), in.count("after"), in.count("limit")};
  } else if (name == "message:edit" || name == "message:delete") {
    auto id = in.text("messageId", 64, true).value_or("");
    std::optional<std::string> content;
    if (name == "message:edit") content = in.text("content", kMaxContentBytes, true);
    out = change_request{id, std::move(content)};
  } else if (name == "typing:start" || name == "typing:stop") {
    out = typing_request{in.target(), name == "typing:start"};
  } else if (name == "chat:sync") {
    auto since = read_since(payload->if_contains("since"), 10'000);
    if (!since) in.problem("since must be {conversation id: version seen, …}");
    out = sync_request{since.value_or(std::vector<std::pair<std::string, int64_t>>{})};
  } else if (name == "user:status") {
    auto status = in.text("status", 16, true).value_or("");
    if (!status.empty() && status != "away" && status != "online") {
      in.problem("status must be online or away");
    }
    out = status_request{status == "away"};
  } else {
    return failure{errc::unknown_type, "unknown event " + std::string(name)};
  }
  if (!in.error().empty()) return failure{errc::bad_request, std::string(name) + ": " + in.error()};
  return out;
}

json::array ack_ok(json::object fields) {
  json::object o{{"ok", true}};
  for (auto& [k, v] : fields) o[k] = std::move(v);
  return json::array{std::move(o)};
}

json::array ack_error(errc code, std::string_view message) {
  return json::array{json::object{
      {"ok", false}, {"error", json::object{{"code", code_string(code)}, {"message", message}}}}};
}

std::string message_event(std::string_view name, const message& m, const conversation& c) {
  return event_packet(name, message_json(m, c));
}

std::string receipt_event(const std::string& conversation_id, const member& m) {
  return event_packet("messages:read", receipt_json(conversation_id, m));
}

std::string typing_event(const std::string& conversation_id, const std::string& user_id,
                         bool typing) {
  return event_packet("typing:indication", json::object{{"conversationId", conversation_id},
                                                        {"fromUserId", user_id},
                                                        {"userId", user_id},
                                                        {"isTyping", typing}});
}

std::string presence_event(const std::string& user_id, std::string_view status,
                           const std::optional<int64_t>& last_seen_us) {
  return event_packet("user:status", presence_json(user_id, status, last_seen_us));
}

json::object loaded(const conversation& c, const std::string& user,
                    const std::vector<message>& messages, bool has_more) {
  json::array items;
  for (const auto& m : messages) items.push_back(message_json(m, c));
  return {{"conversationId", c.id.empty() ? json::value(nullptr) : json::value(c.id)},
          {"contactId", c.kind == "direct" ? json::value(c.contact_of(user)) : nullptr},
          {"messages", std::move(items)},
          {"hasMore", has_more}};
}

}  // namespace sb::chat::sio
