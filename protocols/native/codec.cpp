#include "protocols/native/codec.hpp"

#include "config/ground/json_input.hpp"
#include "protocols/native/envelope.hpp"

#include <boost/json.hpp>

#include <optional>

namespace sb::native {

namespace json = boost::json;

namespace detail {

std::string open_envelope(std::string_view type, std::string_view id) {
  std::string out;
  out.reserve(64);
  out += R"({"type":)";
  out += json::serialize(json::string_view(type.data(), type.size()));
  if (!id.empty()) {
    out += R"(,"id":)";
    out += id;
  }
  return out;
}

void append_string_field(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += json::serialize(json::string_view(value.data(), value.size()));
}

std::optional<std::string> string_field(const json::object& o, std::string_view name, size_t max) {
  auto* v = o.if_contains(name);
  auto* s = v ? v->if_string() : nullptr;
  if (!s || s->size() > max) return std::nullopt;
  return std::string(s->data(), s->size());
}

decode_failure unknown_type(json::string_view type, const std::string& id) {
  return decode_failure{id, errc::unknown_type,
                        "unknown message type " + json::serialize(json::value(type))};
}

}  // namespace detail

using detail::append_string_field;
using detail::open_envelope;
using detail::string_field;

namespace {

constexpr size_t kMaxIdBytes = 128;

std::optional<talk_target> target_of(const json::object& o) {
  auto channel = string_field(o, "channel", 64);
  auto to = string_field(o, "to", 64);
  if (channel.has_value() == to.has_value()) return std::nullopt;
  if (channel && !channel->empty()) return talk_target{ptt::channel_type::group, *channel};
  if (to && !to->empty()) return talk_target{ptt::channel_type::direct, *to};
  return std::nullopt;
}

void append_target(std::string& out, const talk_target& t) {
  append_string_field(out, t.type == ptt::channel_type::group ? "channel" : "to", t.id);
}

}  // namespace

std::variant<request, decode_failure> decode(std::string_view text) {
  json::error_code ec;
  json::value doc = parse_json(text, ec);
  if (ec) return decode_failure{{}, errc::bad_json, "message is not valid JSON: " + ec.message()};
  auto* obj = doc.if_object();
  if (!obj) return decode_failure{{}, errc::bad_json, "message must be a JSON object"};
  return decode(*obj);
}

std::variant<request, decode_failure> decode(const json::object& envelope) {
  const auto* obj = &envelope;

  std::string id;
  if (auto* v = obj->if_contains("id")) {
    if (auto* s = v->if_string(); s && s->size() <= kMaxIdBytes) {
      id = json::serialize(*v);
    } else if (v->is_int64() || v->is_uint64()) {
      id = json::serialize(*v);
    } else {
      return decode_failure{
          {}, errc::bad_request, "id must be a string of up to 128 bytes or an integer"};
    }
  }
  auto* type_value = obj->if_contains("type");
  auto* type = type_value ? type_value->if_string() : nullptr;
  if (!type) return decode_failure{id, errc::bad_request, "type must be a string"};

  if (*type == "ping") return request{ping{id}};
  if (*type == "echo") {
    auto* t = obj->if_contains("text");
    auto* s = t ? t->if_string() : nullptr;
    if (!s) return decode_failure{id, errc::bad_request, "echo needs a string field text"};
    return request{echo{id, std::string(s->data(), s->size())}};
  }
  if (*type == "ptt.start" || *type == "ptt.stop" || *type == "text") {
    auto target = target_of(*obj);
    if (!target) {
      return decode_failure{id, errc::bad_request,
                            std::string(*type) + " needs a string field channel or to"};
    }
    if (*type == "ptt.start") return request{ptt_start{id, *target}};
    if (*type == "ptt.stop") return request{ptt_stop{id, *target}};
    auto text = string_field(*obj, "text", 64 * 1024);
    if (!text || text->empty()) {
      return decode_failure{id, errc::bad_request, "text needs a non-empty string field text"};
    }
    return request{text_message{id, *target, *text}};
  }
  if (*type == "receipt") {
    auto to = string_field(*obj, "to", 64);
    auto message_id = string_field(*obj, "message_id", 256);
    auto status = string_field(*obj, "status", 16);
    if (!to || !message_id || !status || (*status != "delivered" && *status != "read")) {
      return decode_failure{id, errc::bad_request,
                            "receipt needs to, message_id and status (delivered or read)"};
    }
    return request{receipt{id, *to, *message_id, *status == "read"}};
  }
  if (*type == "emergency.start") {
    auto event = string_field(*obj, "event", 64);
    if (!event) return decode_failure{id, errc::bad_request, "emergency.start needs event"};
    return request{emergency_start{id, *event}};
  }
  if (*type == "emergency.stop") return request{emergency_stop{id}};
  if (type->starts_with("call.")) return detail::decode_call(*type, *obj, id);
  if (type->starts_with("chat.") || type->starts_with("presence.")) {
    return detail::decode_chat(*type, *obj, id);
  }
  return detail::unknown_type(*type, id);
}

std::string encode_pong(std::string_view id) {
  return open_envelope("pong", id) + "}";
}

std::string encode_echo_ok(std::string_view id, int64_t note_id, int64_t created_at_us,
                           std::string_view text) {
  auto out = open_envelope("echo.ok", id);
  out += R"(,"note_id":)";
  out += std::to_string(note_id);
  out += R"(,"created_at_us":)";
  out += std::to_string(created_at_us);
  append_string_field(out, "text", text);
  out += '}';
  return out;
}

std::string encode_ptt_granted(std::string_view id, const talk_target& target) {
  auto out = open_envelope("ptt.granted", id);
  append_target(out, target);
  return out + "}";
}

std::string encode_ptt_denied(std::string_view id, const talk_target& target,
                              std::string_view reason) {
  auto out = open_envelope("ptt.denied", id);
  append_target(out, target);
  append_string_field(out, "reason", reason);
  return out + "}";
}

std::string encode_ptt_stopped(std::string_view id, const talk_target& target,
                               std::string_view message_id, int64_t duration_ms) {
  auto out = open_envelope("ptt.stop.ok", id);
  append_target(out, target);
  if (message_id.empty()) {
    out += R"(,"message_id":null)";
  } else {
    append_string_field(out, "message_id", message_id);
  }
  out += R"(,"duration_ms":)" + std::to_string(duration_ms) + "}";
  return out;
}

std::string encode_channel_joined(std::string_view channel, bool dispatcher) {
  auto out = open_envelope("channel.joined", {});
  append_string_field(out, "channel", channel);
  out += dispatcher ? R"(,"dispatcher":true})" : R"(,"dispatcher":false})";
  return out;
}

std::string encode_channel_left(std::string_view channel) {
  auto out = open_envelope("channel.left", {});
  append_string_field(out, "channel", channel);
  return out + "}";
}

std::string encode_text_ok(std::string_view id, std::string_view message_id) {
  auto out = open_envelope("text.ok", id);
  append_string_field(out, "message_id", message_id);
  return out + "}";
}

std::string encode_receipt_ok(std::string_view id) {
  return open_envelope("receipt.ok", id) + "}";
}

std::string encode_emergency_started(std::string_view id, std::string_view event,
                                     const std::vector<std::string>& channels) {
  auto out = open_envelope("emergency.started", id);
  append_string_field(out, "event", event);
  json::array list;
  for (const auto& c : channels) list.emplace_back(c);
  out += R"(,"channels":)" + json::serialize(list) + "}";
  return out;
}

std::string encode_emergency_stopped(std::string_view id) {
  return open_envelope("emergency.stop.ok", id) + "}";
}

std::string encode_error(std::string_view id, errc code, std::string_view message) {
  auto out = open_envelope("error", id);
  append_string_field(out, "code", code_string(code));
  append_string_field(out, "message", message);
  out += '}';
  return out;
}

}  // namespace sb::native
