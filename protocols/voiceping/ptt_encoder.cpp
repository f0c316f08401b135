#include "protocols/voiceping/ptt_encoder.hpp"

#include <boost/json.hpp>

#include "protocols/voiceping/frame.hpp"

namespace sb::voiceping {

namespace json = boost::json;

namespace {

msgpack::value start_payload(const ptt::talk_event& e) {
  if (!e.start_raw.empty()) {
    if (auto v = msgpack::decode(e.start_raw)) return *v;
  }
  return e.at_ms;  // what the SDK sends: its clock in epoch milliseconds
}

std::string stop_payload(const ptt::talk_event& e) {
  // Key order and spacing as the original router's JSON.stringify wrote them.
  json::object o;
  o["duration"] = e.duration_ms;
  o["message_id"] = e.message_id.empty() ? json::value(nullptr) : json::value(e.message_id);
  return json::serialize(o);
}

std::string text_payload(const ptt::talk_event& e) {
  json::object o;
  o["message_id"] = e.message_id;
  o["text"] = e.payload ? json::string_view(*e.payload) : json::string_view();
  return json::serialize(o);
}

}  // namespace

ws::frame_ptr ptt_encoder::encode(const ptt::talk_event& e) const {
  using kind = ptt::talk_event::kind;
  auto ct = e.type == ptt::channel_type::group ? channel::group : channel::direct;
  auto from = id(e.from);
  auto to = id(e.target);
  std::string bytes;
  switch (e.what) {
    case kind::started:
      bytes = voiceping::encode(ct, message_type::start, from, to, start_payload(e));
      break;
    case kind::audio:
      bytes = voiceping::encode(ct, message_type::audio, from, to,
                                msgpack::bytes{e.payload ? *e.payload : std::string()});
      break;
    case kind::ended:
      bytes = voiceping::encode(ct, message_type::stop, from, to, stop_payload(e));
      break;
    case kind::released:
      bytes = voiceping::encode(ct, message_type::start_failed, from, to,
                                std::string(ptt::reason_name(e.reason)));
      break;
    case kind::text:
      bytes = voiceping::encode(ct, message_type::text, from, to, text_payload(e));
      break;
    case kind::receipt:
      bytes = voiceping::encode(ct, e.read ? message_type::read : message_type::delivered, from, to,
                                e.message_id);
      break;
  }
  return ws::make_frame(ws::opcode::binary, bytes);
}

}  // namespace sb::voiceping
