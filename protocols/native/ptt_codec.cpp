#include "protocols/native/ptt_codec.hpp"

#include "config/ground/clock.hpp"

#include <boost/json.hpp>

#include "config/ground/crypto.hpp"

namespace sb::native {

namespace json = boost::json;

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "channel":"<id>" for group traffic, "private":true for 1:1.
void add_scope(json::object& o, const ptt::talk_event& e) {
  if (e.type == ptt::channel_type::group) {
    o["channel"] = e.target;
  } else {
    o["private"] = true;
  }
}

}  // namespace

std::optional<std::string> uuid_bytes(std::string_view uuid) {
  if (!crypto::is_uuid(uuid)) return std::nullopt;
  std::string out;
  out.reserve(16);
  for (size_t i = 0; i < uuid.size();) {
    if (uuid[i] == '-') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(hex(uuid[i]) * 16 + hex(uuid[i + 1])));
    i += 2;
  }
  return out;
}

std::string uuid_string(std::string_view bytes16) {
  auto h = crypto::hex_encode(bytes16.substr(0, 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::optional<audio_in> decode_audio(std::string_view frame) {
  if (frame.size() < 18 || static_cast<uint8_t>(frame[0]) != kAudioFrame) return std::nullopt;
  audio_in a;
  auto flags = static_cast<uint8_t>(frame[1]);
  a.type = (flags & kPrivateFlag) ? ptt::channel_type::direct : ptt::channel_type::group;
  a.emergency = (flags & kEmergencyFlag) != 0;
  a.target = uuid_string(frame.substr(2, 16));
  a.opus.assign(frame.substr(18));
  return a;
}

ws::frame_ptr ptt_encoder::encode(const ptt::talk_event& e) const {
  using kind = ptt::talk_event::kind;
  if (e.what == kind::audio) {
    // The sender can be any id on private talk from VoicePing users; only UUIDs are framed.
    auto target = uuid_bytes(e.target);
    auto from = uuid_bytes(e.from);
    if (!target || !from) return nullptr;
    std::string frame;
    frame.reserve(34 + (e.payload ? e.payload->size() : 0));
    frame.push_back(static_cast<char>(kAudioFrame));
    frame.push_back(static_cast<char>(e.type == ptt::channel_type::direct ? kPrivateFlag : 0));
    frame += *target;
    frame += *from;
    if (e.payload) frame += *e.payload;
    return ws::make_frame(ws::opcode::binary, frame);
  }
  json::object o;
  switch (e.what) {
    case kind::started:
      o["type"] = "ptt.started";
      add_scope(o, e);
      o["from"] = e.from;
      o["dispatcher"] = e.dispatcher;
      if (e.emergency) o["emergency"] = true;
      break;
    case kind::ended:
      o["type"] = "ptt.ended";
      add_scope(o, e);
      o["from"] = e.from;
      o["message_id"] = e.message_id.empty() ? json::value(nullptr) : json::value(e.message_id);
      o["duration_ms"] = e.duration_ms;
      break;
    case kind::released:
      o["type"] = "ptt.released";
      add_scope(o, e);
      o["reason"] = ptt::reason_name(e.reason);
      break;
    case kind::text:
      o["type"] = "text";
      add_scope(o, e);
      o["from"] = e.from;
      o["message_id"] = e.message_id;
      o["text"] = e.payload ? json::string_view(*e.payload) : json::string_view();
      o["sent_at"] = iso_time(e.at_ms * 1000);
      break;
    case kind::receipt:
      o["type"] = "receipt";
      o["from"] = e.from;
      o["message_id"] = e.message_id;
      o["status"] = e.read ? "read" : "delivered";
      break;
    case kind::audio:
      break;
  }
  return ws::text_frame(json::serialize(o));
}

}  // namespace sb::native
