// Units of the call capability: TURN REST credentials, the ICE server list, the native call
// codec, and the history a finished call leaves.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "persistence/calls/calls.hpp"
#include "protocols/calls/ice_servers.hpp"
#include "protocols/calls/matrix_answers.hpp"
#include "protocols/native/codec.hpp"

using namespace sb;

TEST_CASE("TURN REST credentials are coturn's use-auth-secret scheme", "[calls]") {
  // Reference value computed with Python's hmac/hashlib/base64.
  auto c = calls::turn_rest_credentials("north-secret", "@alice:example.org", 1700000000);
  CHECK(c.username == "1700000000:@alice:example.org");
  CHECK(c.password == "iiN4dSxt1i4d61nV/CJoi53FEJA=");
}

TEST_CASE("the ICE server list follows the configuration", "[calls]") {
  config::calls_config cfg;
  cfg.stun_urls = " stun:a.example:3478 , stun:b.example ";
  auto only_stun = calls::ice_servers_json(cfg, "u1", 1000);
  CHECK(boost::json::serialize(only_stun) ==
        R"({"iceServers":[{"urls":["stun:a.example:3478","stun:b.example"]}],"ttl":null})");
  cfg.stun_urls.clear();
  cfg.turn_urls = "turn:t.example:3478?transport=udp";
  cfg.turn_username = "static";
  cfg.turn_credential = "pw";
  CHECK(
      boost::json::serialize(calls::ice_servers_json(cfg, "u1", 1000)) ==
      R"({"iceServers":[{"urls":["turn:t.example:3478?transport=udp"],"username":"static","credential":"pw"}],"ttl":null})");
  cfg.turn_secret = "north-secret";
  cfg.turn_ttl_s = 600;
  auto timed = calls::ice_servers_json(cfg, "u1", 1000);
  CHECK(timed.at("ttl") == 600);
  CHECK(timed.at("iceServers").at(0).at("username") == "1600:u1");
}

TEST_CASE("call requests decode, and malformed ones are refused with the request id", "[calls]") {
  auto r = native::decode(
      R"({"type":"call.ice","id":"i","call_id":"c","to":"u","candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0,"extra":1}})");
  REQUIRE(std::holds_alternative<native::request>(r));
  auto& ice = std::get<native::call_request>(std::get<native::request>(r));
  CHECK(ice.action == calls::call_action::ice);
  CHECK(ice.to == "u");
  // Only the RTCIceCandidateInit fields are kept.
  CHECK(ice.payload ==
        R"({"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0})");

  auto invite = native::decode(
      R"({"type":"call.invite","id":1,"participants":["101","u2"],"media":"video"})");
  auto& inv = std::get<native::call_invite>(std::get<native::request>(invite));
  CHECK(inv.callees == std::vector<std::string>{"101", "u2"});
  CHECK(inv.media == "video");
  CHECK(calls::callee_of("101").extension == "101");
  CHECK(calls::callee_of("u2").user_id == "u2");
  CHECK(calls::callee_of("@bob:matrix.test").matrix_user == "@bob:matrix.test");
  CHECK(calls::callee_of("@bob:matrix.test").user_id.empty());

  for (auto bad : {R"({"type":"call.offer","id":"x","call_id":"c"})",
                   R"({"type":"call.media","id":"x","call_id":"c"})",
                   R"({"type":"call.invite","id":"x","media":"audio"})",
                   R"({"type":"call.invite","id":"x","to":"1","media":"hologram"})",
                   R"({"type":"call.ice","id":"x","call_id":"c","candidate":{"sdpMid":"0"}})"}) {
    auto d = native::decode(bad);
    REQUIRE(std::holds_alternative<native::decode_failure>(d));
    CHECK(std::get<native::decode_failure>(d).id == R"("x")");
    CHECK(std::get<native::decode_failure>(d).code == errc::bad_request);
  }
}

TEST_CASE("a finished call leaves one row per user and peer", "[calls]") {
  calls::call_row c;
  c.id = "call";
  c.state = "ended";
  c.end_reason = "hangup";
  c.created_at_us = 0;
  c.answered_at_us = 2'000'000;
  c.ended_at_us = 62'000'000;
  calls::call_participant_row caller{
      {"a", "Alice", "101"}, "caller", "left", true, false, 0, 0, 62'000'000};
  calls::call_participant_row bob{{"b", "Bob", "102"}, "callee",  "left", true, false, 0,
                                  2'000'000,           62'000'000};
  calls::call_participant_row carol{
      {"c", "Carol", std::nullopt}, "callee", "missed", true, false, 0, std::nullopt, std::nullopt};
  c.participants = {caller, bob, carol};
  auto rows = persistence::history_of(c);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].user_id == "a");
  CHECK(rows[0].direction == "outbound");
  CHECK(rows[0].contact_extension == "102");
  CHECK(rows[0].duration_s == 60);
  CHECK(rows[1].user_id == "b");
  CHECK(rows[1].direction == "inbound");
  CHECK(rows[1].answered);
  CHECK(rows[2].contact_name == "Carol");
  CHECK(rows[2].outcome == "missed");
  CHECK_FALSE(rows[3].duration_s.has_value());
}

TEST_CASE("a homeserver's whoami and joined_members answers are read strictly", "[calls][unit]") {
  CHECK(matrix::whoami_user(R"({"user_id":"@alice:matrix.test","device_id":"D"})") ==
        "@alice:matrix.test");
  for (auto bad :
       {R"({"errcode":"M_UNKNOWN_TOKEN"})", R"({"user_id":"alice"})", R"({"user_id":"@:hs"})",
        R"({"user_id":"@a b:hs"})", R"({"user_id":7})", "[]", "not json"}) {
    CHECK_FALSE(matrix::whoami_user(bad));
  }
  auto members = matrix::joined_members(
      R"({"joined":{"@alice:matrix.test":{"display_name":"A"},"junk":{},"@bob:hs:8448":{}}})");
  REQUIRE(members);
  CHECK(*members == std::vector<std::string>{"@alice:matrix.test", "@bob:hs:8448"});
  CHECK_FALSE(matrix::joined_members(R"({"joined":[]})"));
  CHECK(matrix::is_user_id(std::string("@") + std::string(250, 'x') + ":h"));
  CHECK_FALSE(matrix::is_user_id(std::string("@") + std::string(253, 'x') + ":h"));
  CHECK(matrix::client_api_url("http://hs/", "/_matrix/x") == "http://hs/_matrix/x");
}
