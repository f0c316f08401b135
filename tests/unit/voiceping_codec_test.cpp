// MessagePack and VoicePing frames, against the example bytes of the original router
// (../shared/reference/voiceping-protocol.md §2) and the decoding rules it documents.
#include <catch2/catch.hpp>

#include "protocols/voiceping/frame.hpp"
#include "protocols/voiceping/msgpack.hpp"
#include "protocols/voiceping/ptt_encoder.hpp"
#include "protocols/voiceping/wire_ids.hpp"
#include "protocols/ws/frame.hpp"
#include "tests/support/msgpack_writer.hpp"

using namespace sb;
namespace vp = sb::voiceping;
namespace mp = sb::test::mp;

namespace {

std::string hex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 3) {
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace

TEST_CASE("msgpack values round-trip in their smallest form", "[voiceping][unit]") {
  for (auto v :
       {msgpack::value(int64_t{0}), msgpack::value(int64_t{127}), msgpack::value(int64_t{128}),
        msgpack::value(int64_t{-1}), msgpack::value(int64_t{-33}), msgpack::value(int64_t{65536}),
        msgpack::value(int64_t{1700000000000}), msgpack::value(uint64_t{1} << 63),
        msgpack::value(std::string(40, 'x')), msgpack::value(msgpack::bytes{"\x01\x02"}),
        msgpack::value(msgpack::nil{}), msgpack::value(true), msgpack::value(1.5),
        msgpack::value(msgpack::ext{0, std::string(1, '\0')})}) {
    CHECK(msgpack::decode(msgpack::encode(v)) == v);
  }
  CHECK(msgpack::encode(int64_t{1700000000000}) == hex("cf 00 00 01 8b cf e5 68 00 "));
  CHECK(msgpack::encode(int64_t{200}) == hex("cc c8 "));
  CHECK(msgpack::encode(int64_t{-5}) == hex("fb "));
  CHECK(msgpack::encode(std::string(32, 'a')).substr(0, 2) == hex("d9 20 "));
  CHECK(msgpack::encode(msgpack::ext{0, std::string(1, '\0')}) == hex("d4 00 00 "));
}

TEST_CASE("msgpack decoding refuses what is not exactly one sane value", "[voiceping][unit]") {
  CHECK_FALSE(msgpack::decode(""));
  CHECK_FALSE(msgpack::decode(hex("c1 ")));              // never used
  CHECK_FALSE(msgpack::decode(hex("a5 61 62 ")));        // truncated string
  CHECK_FALSE(msgpack::decode(hex("92 01 ")));           // truncated array
  CHECK_FALSE(msgpack::decode(hex("01 02 ")));           // trailing bytes
  CHECK_FALSE(msgpack::decode(hex("dd ff ff ff ff ")));  // a length beyond the input
  CHECK_FALSE(msgpack::decode(std::string(msgpack::kMaxDepth + 2, '\x91') + '\x00'));
  CHECK(msgpack::decode(std::string(msgpack::kMaxDepth, '\x91') + '\x00'));
}

TEST_CASE("VoicePing frames decode as the original router read them", "[voiceping][unit]") {
  // START group "1" → "18" with the SDK's clock.
  auto start = vp::decode(hex("95 00 01 a1 31 a2 31 38 cf 00 00 01 8b cf e5 68 00 "));
  REQUIRE(start);
  CHECK(start->type == vp::channel::group);
  CHECK(start->message_type == 1);
  CHECK(vp::id_string(start->from) == "1");
  CHECK(vp::id_string(start->to) == "18");
  CHECK(vp::start_ack_text(start->payload) == "1700000000000");

  // STOP as the SDK sends it: four elements, no payload.
  auto stop = vp::decode(hex("94 00 02 a1 31 a2 31 38 "));
  REQUIRE(stop);
  CHECK_FALSE(stop->payload);

  // Six elements: the fifth is the message id; extra elements are ignored.
  auto six = vp::decode(mp::arr({mp::uint(0), mp::uint(7), mp::str("1"), mp::str("18"),
                                 mp::str("id"), mp::str("Acknowledged"), mp::uint(9)}));
  REQUIRE(six);
  CHECK(vp::id_string(six->message_id) == "id");
  CHECK(six->payload->string());

  // A falsy toId reads as 0; integer ids compare in decimal.
  auto conn = vp::decode(mp::arr({mp::uint(1), mp::uint(25), mp::uint(12), mp::str("")}));
  REQUIRE(conn);
  CHECK(vp::id_string(conn->to) == "0");
  CHECK(vp::id_string(conn->from) == "12");

  CHECK_FALSE(vp::decode(mp::arr({mp::uint(2), mp::uint(1), mp::str("1")})));   // channel type
  CHECK_FALSE(vp::decode(mp::arr({mp::uint(0), mp::str("1"), mp::str("1")})));  // message type
  CHECK_FALSE(vp::decode(mp::arr({mp::uint(0), mp::uint(1)})));                 // too short
  CHECK_FALSE(vp::decode(hex("81 a1 6b a1 76 ")));                              // a map
}

TEST_CASE("VoicePing frames encode byte-exactly", "[voiceping][unit]") {
  CHECK(vp::encode(vp::channel::group, vp::message_type::start_ack, std::string("1"),
                   std::string("18"), std::string("1700000000000")) ==
        hex("95 00 06 a1 31 a2 31 38 ad 31 37 30 30 30 30 30 30 30 30 30 30 30 "));
  CHECK(vp::encode(vp::channel::group, vp::message_type::audio, std::string("1"), std::string("18"),
                   msgpack::bytes{hex("f8 ff fe ")}) ==
        hex("95 00 03 a1 31 a2 31 38 c4 03 f8 ff fe "));
  auto id = std::string("0_3_18_1_1700000000301_301ms.opus");
  CHECK(vp::encode(vp::channel::group, vp::message_type::stop_ack, std::string("1"),
                   std::string("18"), std::string("Acknowledged"), msgpack::value(id)) ==
        hex("96 00 07 a1 31 a2 31 38 ") + mp::str(id) + mp::str("Acknowledged"));
  CHECK(vp::start_ack_text(std::nullopt) == "Acknowledged");
  CHECK(vp::start_ack_text(msgpack::value(std::string("dispatch"))) == "dispatch");
  CHECK(vp::start_ack_text(msgpack::value(int64_t{0})) == "Acknowledged");
}

TEST_CASE("drop-in ids: foreign ids map to ours by namespace and come back in their type",
          "[voiceping][unit]") {
  vp::wire_ids ids;
  vp::ptt_encoder enc(&ids);
  ptt::talk_event e;
  e.what = ptt::talk_event::kind::audio;
  e.type = ptt::channel_type::group;
  e.target = "channel-uuid";
  e.from = "user-uuid";
  e.payload = std::make_shared<const std::string>("op");
  // Nothing linked: our ids, as strings.
  CHECK(ws::frame_payload(*enc.encode(e)) ==
        mp::arr({mp::uint(0), mp::uint(3), mp::str("user-uuid"), mp::str("channel-uuid"),
                 mp::bin("op")}));
  CHECK_FALSE(ids.internal_of(vp::wire_ids::kind::user, "7"));

  ids.add(vp::wire_ids::kind::user, "7", true, "user-uuid");
  ids.add(vp::wire_ids::kind::channel, "7", false, "channel-uuid");
  // User 7 and channel "7" are different ids, each back in the type it came in.
  CHECK(ids.internal_of(vp::wire_ids::kind::user, "7") == "user-uuid");
  CHECK(ids.internal_of(vp::wire_ids::kind::channel, "7") == "channel-uuid");
  CHECK_FALSE(ids.internal_of(vp::wire_ids::kind::user, "8"));
  CHECK(ids.wire_of("user-uuid") == msgpack::value(int64_t{7}));
  CHECK(ids.wire_of("channel-uuid") == msgpack::value(std::string("7")));
  CHECK(ids.wire_of("someone-else") == msgpack::value(std::string("someone-else")));
  CHECK(ws::frame_payload(*enc.encode(e)) ==
        mp::arr({mp::uint(0), mp::uint(3), mp::uint(7), mp::str("7"), mp::bin("op")}));

  // A "number" that does not fit an integer goes back as the text it was.
  ids.add(vp::wire_ids::kind::user, "99999999999999999999", true, "big-uuid");
  CHECK(ids.wire_of("big-uuid") == msgpack::value(std::string("99999999999999999999")));
}
