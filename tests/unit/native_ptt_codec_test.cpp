// The native protocol's push-to-talk frames (docs/protocol.md, "PTT"): the binary audio layout
// both ways, and the JSON control events each talk event becomes.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "protocols/native/ptt_codec.hpp"
#include "tests/support/raw_ws.hpp"

using namespace sb;

namespace {

const std::string kChannel = "0f8e2a1c-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const std::string kUser = "11111111-2222-4333-8444-555555555555";

/// The opcode and payload of an encoded frame, which must be exactly one whole frame.
std::pair<uint8_t, std::string> unframe(const ws::frame_ptr& f) {
  REQUIRE(f);
  auto read = test::read_server_frame(*f);
  REQUIRE(read);
  REQUIRE(read->second == f->size());
  return {read->first.opcode, read->first.payload};
}

boost::json::object json_of(const ws::frame_ptr& f) {
  auto [op, payload] = unframe(f);
  CHECK(op == 0x1);
  return boost::json::parse(payload).as_object();
}

ptt::talk_event event(ptt::talk_event::kind what) {
  ptt::talk_event e;
  e.what = what;
  e.target = kChannel;
  e.from = kUser;
  return e;
}

}  // namespace

TEST_CASE("UUIDs travel as their 16 bytes and back", "[ptt][codec]") {
  auto bytes = native::uuid_bytes(kChannel);
  REQUIRE(bytes);
  CHECK(bytes->size() == 16);
  CHECK(static_cast<uint8_t>((*bytes)[0]) == 0x0f);
  CHECK(static_cast<uint8_t>((*bytes)[15]) == 0x5b);
  CHECK(native::uuid_string(*bytes) == kChannel);
  CHECK_FALSE(native::uuid_bytes("not-a-uuid"));
  CHECK_FALSE(native::uuid_bytes(kChannel.substr(1)));
}

TEST_CASE("client audio frames decode by their flags; anything else is not audio", "[ptt][codec]") {
  std::string opus("\x00\xfc\x01\x00", 4);  // Opus bytes may hold zeros
  auto frame = [&](uint8_t flags) {
    return std::string(1, '\x01') + std::string(1, static_cast<char>(flags)) +
           *native::uuid_bytes(kChannel) + opus;
  };
  auto group = native::decode_audio(frame(0));
  REQUIRE(group);
  CHECK(group->type == ptt::channel_type::group);
  CHECK_FALSE(group->emergency);
  CHECK(group->target == kChannel);
  CHECK(group->opus == opus);

  auto direct = native::decode_audio(frame(native::kPrivateFlag));
  REQUIRE(direct);
  CHECK(direct->type == ptt::channel_type::direct);

  auto emergency = native::decode_audio(frame(native::kEmergencyFlag));
  REQUIRE(emergency);
  CHECK(emergency->emergency);
  CHECK(emergency->type == ptt::channel_type::group);

  // A frame with no Opus bytes is still a frame (18 bytes); one byte short is not.
  auto header_only = frame(0).substr(0, 18);
  REQUIRE(native::decode_audio(header_only));
  CHECK(native::decode_audio(header_only)->opus.empty());
  CHECK_FALSE(native::decode_audio(header_only.substr(0, 17)));
  auto other_type = frame(0);
  other_type[0] = '\x02';
  CHECK_FALSE(native::decode_audio(other_type));
  CHECK_FALSE(native::decode_audio(""));
}

TEST_CASE("audio goes out as 0x01 | flags | target | sender | Opus", "[ptt][codec]") {
  native::ptt_encoder enc;
  auto e = event(ptt::talk_event::kind::audio);
  e.payload = std::make_shared<const std::string>(std::string(200, '\x7f'));
  auto [op, payload] = unframe(enc.encode(e));
  CHECK(op == 0x2);
  REQUIRE(payload.size() == 34 + 200);
  CHECK(payload[0] == '\x01');
  CHECK(payload[1] == '\x00');
  CHECK(native::uuid_string(payload.substr(2, 16)) == kChannel);
  CHECK(native::uuid_string(payload.substr(18, 16)) == kUser);
  CHECK(payload.substr(34) == *e.payload);

  e.type = ptt::channel_type::direct;
  CHECK(unframe(enc.encode(e)).second[1] == static_cast<char>(native::kPrivateFlag));

  // A sender without a UUID (a VoicePing user's numeric id) cannot be framed: no frame.
  e.from = "42";
  CHECK_FALSE(enc.encode(e));
}

TEST_CASE("control events are JSON with the documented members", "[ptt][codec]") {
  native::ptt_encoder enc;
  using kind = ptt::talk_event::kind;

  auto started = event(kind::started);
  started.dispatcher = true;
  started.emergency = true;
  CHECK(json_of(enc.encode(started)) ==
        boost::json::parse(R"({"type":"ptt.started","channel":")" + kChannel + R"(","from":")" +
                           kUser + R"(","dispatcher":true,"emergency":true})"));

  auto ended = event(kind::ended);
  ended.duration_ms = 1500;
  auto ended_json = json_of(enc.encode(ended));
  CHECK(ended_json.at("type") == "ptt.ended");
  CHECK(ended_json.at("message_id").is_null());  // not recorded
  CHECK(ended_json.at("duration_ms") == 1500);

  auto released = event(kind::released);
  released.reason = ptt::release_reason::preempted;
  CHECK(json_of(enc.encode(released)).at("reason") == "preempted");

  auto text = event(kind::text);
  text.type = ptt::channel_type::direct;
  text.message_id = "m1";
  text.payload = std::make_shared<const std::string>("over \"and\" out");
  text.at_ms = 1700000000123;
  auto text_json = json_of(enc.encode(text));
  CHECK(text_json.at("private") == true);
  CHECK_FALSE(text_json.contains("channel"));
  CHECK(text_json.at("text") == "over \"and\" out");
  CHECK(text_json.at("sent_at") == "2023-11-14T22:13:20.123Z");

  auto receipt = event(kind::receipt);
  receipt.message_id = "m1";
  receipt.read = true;
  CHECK(json_of(enc.encode(receipt)) ==
        boost::json::parse(R"({"type":"receipt","from":")" + kUser +
                           R"(","message_id":"m1","status":"read"})"));
}
