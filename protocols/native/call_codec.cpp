#include "protocols/native/call_codec.hpp"

#include "config/ground/json_or_null.hpp"
#include "protocols/calls/call_json.hpp"
#include "protocols/native/envelope.hpp"

namespace sb::native {

namespace json = boost::json;

namespace detail {

namespace {

using calls::call_action;

constexpr size_t kMaxTargetBytes = 64;
/// The codec only bounds fields by the message size limit; the call actor applies
/// calls.max_sdp_bytes and calls.max_candidate_bytes.
constexpr size_t kMaxPayloadBytes = 16 * 1024 * 1024;

std::optional<call_action> action_of(json::string_view type) {
  for (auto a :
       {call_action::answer, call_action::reject, call_action::end, call_action::offer,
        call_action::answer_sdp, call_action::ice, call_action::media, call_action::status}) {
    if (type.substr(5) == calls::action_name(a)) return a;
  }
  return std::nullopt;
}

std::variant<request, decode_failure> fail(const std::string& id, std::string detail) {
  return decode_failure{id, errc::bad_request, std::move(detail)};
}

std::variant<request, decode_failure> decode_invite(const json::object& o, const std::string& id) {
  call_invite inv{id, {}, "audio", std::nullopt, std::nullopt};
  int forms = 0;
  for (auto name : {"to", "extension"}) {
    if (!o.contains(name)) continue;
    ++forms;
    auto v = string_field(o, name, kMaxTargetBytes);
    if (!v || v->empty()) return fail(id, std::string(name) + " must be a non-empty string");
    inv.callees.push_back(*v);
  }
  if (auto* list = o.if_contains("participants")) {
    ++forms;
    auto* arr = list->if_array();
    if (!arr || arr->empty()) return fail(id, "participants must be a non-empty array");
    for (const auto& v : *arr) {
      auto* s = v.if_string();
      if (!s || s->empty() || s->size() > kMaxTargetBytes) {
        return fail(id, "participants must hold user ids or extensions");
      }
      inv.callees.emplace_back(s->data(), s->size());
    }
  }
  if (forms != 1) return fail(id, "call.invite needs exactly one of to, extension, participants");
  if (o.contains("media")) {
    auto media = string_field(o, "media", 8);
    if (!media || (*media != "audio" && *media != "video")) {
      return fail(id, "media must be audio or video");
    }
    inv.media = *media;
  }
  if (o.contains("room_id")) {
    inv.room_id = string_field(o, "room_id", 255);
    if (!inv.room_id || inv.room_id->empty()) return fail(id, "room_id must be a string");
  }
  if (o.contains("sdp")) {
    inv.sdp = string_field(o, "sdp", kMaxPayloadBytes);
    if (!inv.sdp || inv.sdp->empty()) return fail(id, "sdp must be a non-empty string");
  }
  return request{std::move(inv)};
}

std::optional<bool> bool_field(const json::object& o, std::string_view name, bool& bad) {
  auto* v = o.if_contains(name);
  if (!v) return std::nullopt;
  if (!v->is_bool()) bad = true;
  return v->is_bool() ? std::optional<bool>(v->get_bool()) : std::nullopt;
}

}  // namespace

std::variant<request, decode_failure> decode_call(json::string_view type, const json::object& o,
                                                  const std::string& id) {
  if (type == "call.invite") return decode_invite(o, id);
  auto action = action_of(type);
  if (!action) return unknown_type(type, id);
  call_request r;
  r.id = id;
  r.action = *action;
  auto call_id = string_field(o, "call_id", kMaxTargetBytes);
  if (!call_id || call_id->empty()) return fail(id, std::string(type) + " needs call_id");
  r.call_id = *call_id;
  if (o.contains("to")) {
    auto to = string_field(o, "to", kMaxTargetBytes);
    if (!to || to->empty()) return fail(id, "to must be a user id");
    r.to = *to;
  }
  switch (*action) {
    case call_action::offer:
    case call_action::answer_sdp: {
      auto sdp = string_field(o, "sdp", kMaxPayloadBytes);
      if (!sdp || sdp->empty()) return fail(id, std::string(type) + " needs a string field sdp");
      r.payload = std::move(*sdp);
      break;
    }
    case call_action::ice: {
      auto* field = o.if_contains("candidate");
      auto candidate = field ? calls::candidate_json(*field) : std::nullopt;
      if (!candidate) {
        return fail(id, "call.ice needs candidate: {candidate, sdpMid, sdpMLineIndex}");
      }
      r.payload = std::move(*candidate);
      break;
    }
    case call_action::media: {
      bool bad = false;
      r.audio = bool_field(o, "audio", bad);
      r.video = bool_field(o, "video", bad);
      if (bad || (!r.audio && !r.video)) {
        return fail(id, "call.media needs a boolean audio and/or video");
      }
      break;
    }
    default:
      break;
  }
  return request{std::move(r)};
}

}  // namespace detail

namespace {

using detail::append_string_field;
using detail::open_envelope;

std::string event_open(std::string_view type, std::string_view call_id) {
  auto out = open_envelope(type, {});
  append_string_field(out, "call_id", call_id);
  return out;
}

void append_json(std::string& out, std::string_view name, const json::value& v) {
  out += ",\"";
  out += name;
  out += "\":";
  out += json::serialize(v);
}

}  // namespace

std::string encode_call_ok(std::string_view id, const calls::call_row& c) {
  auto out = open_envelope("call.ok", id);
  append_json(out, "call", calls::call_json(c));
  return out + "}";
}

std::string encode_call_incoming(const calls::call_row& c, const std::optional<std::string>& sdp) {
  auto out = event_open("call.incoming", c.id);
  json::array parties;
  for (const auto& p : c.participants) {
    if (p.role == "caller") append_json(out, "from", calls::party_json(p.who));
    parties.push_back(calls::party_json(p.who));
  }
  append_string_field(out, "media", c.media);
  append_json(out, "room_id", json_or_null(c.room_id));
  append_json(out, "participants", parties);
  append_json(out, "sdp", json_or_null(sdp));
  return out + "}";
}

std::string encode_call_sdp(calls::call_action a, std::string_view call_id, std::string_view from,
                            std::string_view sdp) {
  auto out = event_open(a == calls::call_action::offer ? "call.offer" : "call.answer_sdp", call_id);
  append_string_field(out, "from", from);
  append_string_field(out, "sdp", sdp);
  return out + "}";
}

std::string encode_call_ice(std::string_view call_id, std::string_view from,
                            std::string_view candidate_json) {
  auto out = event_open("call.ice", call_id);
  append_string_field(out, "from", from);
  out += R"(,"candidate":)";
  out += candidate_json;  // re-serialised by the decoder: valid, compact JSON
  return out + "}";
}

std::string encode_call_media(std::string_view call_id, std::string_view from, bool audio,
                              bool video) {
  auto out = event_open("call.media", call_id);
  append_string_field(out, "from", from);
  out += audio ? R"(,"audio":true)" : R"(,"audio":false)";
  out += video ? R"(,"video":true)" : R"(,"video":false)";
  return out + "}";
}

std::string encode_call_participant(bool joined, std::string_view call_id,
                                    const calls::call_party& p, std::string_view reason) {
  auto out = event_open(joined ? "call.participant_joined" : "call.participant_left", call_id);
  append_json(out, "participant", calls::party_json(p));
  if (!joined) append_string_field(out, "reason", reason);
  return out + "}";
}

std::string encode_call_answered_elsewhere(std::string_view call_id) {
  return event_open("call.answered_elsewhere", call_id) + "}";
}

std::string encode_call_ended(const calls::call_row& c, const std::optional<std::string>& by) {
  auto out = event_open("call.ended", c.id);
  append_string_field(out, "state", c.state);
  append_json(out, "reason", json_or_null(c.end_reason));
  append_json(out, "by", json_or_null(by));
  return out + "}";
}

}  // namespace sb::native
