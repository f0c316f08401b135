#include "protocols/calls/sio_calls.hpp"

#include <boost/json.hpp>

#include "protocols/socketio/packet.hpp"

namespace sb::calls::sio {

namespace json = boost::json;

namespace {

/// The first of `names` present in `o`.
const json::value* first_of(const json::object& o, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (const auto* v = o.if_contains(n)) return v;
  }
  return nullptr;
}

/// An SDP given as a string or as an RTCSessionDescription {type, sdp}.
const json::value* sdp_of(const json::object& o, std::initializer_list<std::string_view> names) {
  const auto* v = first_of(o, names);
  if (v && v->is_object()) return v->as_object().if_contains("sdp");
  return v;
}

void copy(json::object& to, std::string_view name, const json::value* v) {
  if (v) to[name] = *v;
}

/// seed 003's toggles carry `enabled`, or `muted` / `isMuted` (the inverse).
std::optional<bool> enabled_of(const json::object& o) {
  if (const auto* v = o.if_contains("enabled"); v && v->is_bool()) return v->get_bool();
  if (const auto* v = first_of(o, {"muted", "isMuted"}); v && v->is_bool()) return !v->get_bool();
  return std::nullopt;
}

std::string packet(std::string_view name, json::object payload) {
  socketio::packet p;
  p.type = socketio::packet_type::event;
  p.data = json::array{json::string(name), std::move(payload)};
  return socketio::encode(p);
}

json::object party(const json::value& p) {
  return {{"userId", p.at("user_id")}, {"name", p.at("name")}, {"extension", p.at("extension")}};
}

}  // namespace

std::variant<call_event, refusal, not_a_call> decode(const json::array& args) {
  if (args.empty() || !args[0].is_string()) return not_a_call{};
  std::string_view name = args[0].as_string();
  static const json::object none;
  const auto& in = args.size() > 1 && args[1].is_object() ? args[1].as_object() : none;
  json::object env;
  dialect spoken =
      name.find(':') != std::string_view::npos ? dialect::softphone : dialect::signaling;
  bool join = false;
  copy(env, "call_id", first_of(in, {"callId", "call_id"}));
  copy(env, "to", first_of(in, {"to", "targetUserId", "targetId", "peerId"}));
  if (name == "call:initiate") {
    env.erase("to");
    env["type"] = "call.invite";
    copy(env, "to",
         first_of(in, {"toExtension", "extension", "to", "toUserId", "userId", "targetUserId"}));
    copy(env, "media", first_of(in, {"media", "callType", "type"}));
    copy(env, "sdp", sdp_of(in, {"sdp", "offer"}));
  } else if (name == "call:answer" || name == "join-call") {
    env["type"] = "call.answer";
    join = name == "join-call";
  } else if (name == "call:reject") {
    env["type"] = "call.reject";
  } else if (name == "call:end" || name == "leave-call") {
    env["type"] = "call.end";
  } else if (name == "webrtc:offer" || name == "webrtc-offer") {
    env["type"] = "call.offer";
    copy(env, "sdp", sdp_of(in, {"sdp", "offer"}));
  } else if (name == "webrtc:answer" || name == "webrtc-answer") {
    env["type"] = "call.answer_sdp";
    copy(env, "sdp", sdp_of(in, {"sdp", "answer"}));
  } else if (name == "webrtc:ice-candidate" || name == "ice-candidate") {
    env["type"] = "call.ice";
    copy(env, "candidate", in.if_contains("candidate"));
  } else if (name == "toggle-audio" || name == "toggle-video") {
    env["type"] = "call.media";
    auto enabled = enabled_of(in);
    if (!enabled) return refusal{std::string(name) + " needs enabled (or muted): a boolean"};
    env[name == "toggle-audio" ? "audio" : "video"] = *enabled;
  } else {
    return not_a_call{};
  }
  auto decoded = native::decode(env);
  if (auto* no = std::get_if<native::decode_failure>(&decoded)) {
    return refusal{std::string(name) + ": " + no->detail};
  }
  auto& req = std::get<native::request>(decoded);
  if (auto* invite = std::get_if<native::call_invite>(&req)) return call_event{*invite, spoken};
  if (auto* r = std::get_if<native::call_request>(&req)) return call_event{*r, spoken, join};
  return refusal{std::string(name) + ": not a call request"};
}

std::vector<std::string> translate(std::string_view native_event, dialect spoken) {
  json::error_code ec;
  auto doc = json::parse(native_event, ec);
  if (ec || !doc.is_object()) return {};
  const auto& e = doc.as_object();
  std::string_view type = e.at("type").as_string();
  json::value call_id = e.at("call_id");
  bool phone = spoken == dialect::softphone;
  auto with_call = [&](json::object o) {
    o["callId"] = call_id;
    return o;
  };
  std::vector<std::string> out;
  if (type == "call.incoming") {
    auto from = party(e.at("from"));
    out.push_back(packet("call:incoming", with_call({{"from", from},
                                                     {"callerId", from.at("userId")},
                                                     {"callerName", from.at("name")},
                                                     {"callerExtension", from.at("extension")},
                                                     {"media", e.at("media")},
                                                     {"sdp", e.at("sdp")}})));
  } else if (type == "call.participant_joined") {
    auto who = party(e.at("participant"));
    out.push_back(packet(phone ? "call:answered" : "user-joined",
                         with_call({{"userId", who.at("userId")}, {"participant", who}})));
  } else if (type == "call.participant_left") {
    auto who = party(e.at("participant"));
    bool rejected = e.at("reason") == "rejected";
    out.push_back(packet(
        phone ? (rejected ? "call:rejected" : "call:participant-left") : "user-left",
        with_call(
            {{"userId", who.at("userId")}, {"participant", who}, {"reason", e.at("reason")}})));
  } else if (type == "call.ended") {
    json::object o =
        with_call({{"state", e.at("state")}, {"reason", e.at("reason")}, {"by", e.at("by")}});
    if (phone && e.at("state") == "rejected") out.push_back(packet("call:rejected", o));
    out.push_back(packet(phone ? "call:ended" : "call-ended", std::move(o)));
  } else if (type == "call.offer" || type == "call.answer_sdp") {
    bool offer = type == "call.offer";
    json::object description{{"type", offer ? "offer" : "answer"}, {"sdp", e.at("sdp")}};
    auto name = offer ? (phone ? "webrtc:offer" : "webrtc-offer")
                      : (phone ? "webrtc:answer" : "webrtc-answer");
    out.push_back(packet(name, with_call({{"from", e.at("from")},
                                          {"sdp", e.at("sdp")},
                                          {offer ? "offer" : "answer", std::move(description)}})));
  } else if (type == "call.ice") {
    out.push_back(packet(phone ? "webrtc:ice-candidate" : "ice-candidate",
                         with_call({{"from", e.at("from")}, {"candidate", e.at("candidate")}})));
  } else if (type == "call.media") {
    if (phone) {
      out.push_back(packet(
          "call:media",
          with_call({{"from", e.at("from")}, {"audio", e.at("audio")}, {"video", e.at("video")}})));
    } else {
      out.push_back(packet("audio-toggled",
                           with_call({{"userId", e.at("from")}, {"enabled", e.at("audio")}})));
      out.push_back(packet("video-toggled",
                           with_call({{"userId", e.at("from")}, {"enabled", e.at("video")}})));
    }
  } else if (type == "call.answered_elsewhere") {
    out.push_back(packet("call:answered-elsewhere", with_call({})));
  }
  return out;
}

}  // namespace sb::calls::sio
