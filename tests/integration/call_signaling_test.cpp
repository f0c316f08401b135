// Calls over the native WebSocket protocol: ringing every device, the first answer winning,
// SDP/ICE/media relay to the right peer only, every forbidden act, timers and disconnects.

#include <thread>

#include "tests/integration/call_fixture.hpp"

namespace sb::test {

namespace {

const std::string kOffer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

object candidate() {
  return {{"candidate", "candidate:1 1 udp 2113937151 192.0.2.1 54400 typ host"},
          {"sdpMid", "0"},
          {"sdpMLineIndex", 0}};
}

void expect_error(const object& reply, const std::string& code) {
  INFO(boost::json::serialize(reply));
  REQUIRE(reply.at("type") == "error");
  CHECK(reply.at("code") == jv(code));
  CHECK(reply.at("id") == "r");
}

}  // namespace

TEST_CASE("a call rings every device of the callee; the first to answer takes it", "[calls]") {
  call_fixture f;
  auto [a, b1, b2] = f.devices("alice@calls.test", "bob@calls.test", "bob@calls.test");

  auto placed = call_fixture::invite(*a, "102");
  auto id = str(placed.at("id"));
  CHECK(placed.at("state") == "ringing");
  CHECK(placed.at("participants").as_array().size() == 2);
  for (auto* dev : {b1.get(), b2.get()}) {
    auto ring = next_call_message(*dev, "call.incoming");
    CHECK(ring.at("call_id") == jv(id));
    CHECK(ring.at("from").at("user_id") == jv(f.alice));
    CHECK(ring.at("from").at("extension") == "101");
    CHECK(ring.at("from").at("name") == "Alice Archer");
    CHECK(ring.at("media") == "audio");
  }

  // The caller cannot answer; the second device of the callee wins.
  expect_error(call_fixture::act(*a, "call.answer", id), "forbidden");
  auto answered = call_fixture::act(*b2, "call.answer", id);
  REQUIRE(answered.at("type") == "call.ok");
  CHECK(answered.at("call").at("state") == "active");
  CHECK(next_call_message(*b1, "call.answered_elsewhere").at("call_id") == jv(id));
  auto joined = next_call_message(*a, "call.participant_joined");
  CHECK(joined.at("participant").at("user_id") == jv(f.bob));
  // A call is answered once.
  expect_error(call_fixture::act(*b1, "call.answer", id), "conflict");

  // SDP and ICE go to the device that took the call, in order, and nowhere else.
  REQUIRE(call_fixture::act(*a, "call.offer", id, {{"sdp", kOffer}}).at("type") == "call.ok");
  REQUIRE(call_fixture::act(*a, "call.ice", id, {{"candidate", candidate()}}).at("type") ==
          "call.ok");
  auto offer = next_call_message(*b2, "call.offer");
  CHECK(offer.at("sdp") == jv(kOffer));
  CHECK(offer.at("from") == jv(f.alice));
  auto ice = next_call_message(*b2, "call.ice");
  CHECK(ice.at("candidate").at("sdpMid") == "0");
  CHECK(ice.at("candidate").at("sdpMLineIndex") == 0);
  REQUIRE(call_fixture::act(*b2, "call.answer_sdp", id, {{"sdp", kOffer + "a=answer\r\n"}})
              .at("type") == "call.ok");
  CHECK(next_call_message(*a, "call.answer_sdp").at("sdp") == jv(kOffer + "a=answer\r\n"));
  auto muted = call_fixture::act(*b2, "call.media", id, {{"audio", false}});
  REQUIRE(muted.at("type") == "call.ok");
  auto media = next_call_message(*a, "call.media");
  CHECK(media.at("from") == jv(f.bob));
  CHECK(media.at("audio") == false);
  CHECK(stays_quiet(*b1));

  // Alice hangs up: Bob's device hears it, and the call's history is written for both.
  auto ended = call_fixture::act(*a, "call.end", id);
  REQUIRE(ended.at("type") == "call.ok");
  CHECK(ended.at("call").at("state") == "ended");
  CHECK(ended.at("call").at("end_reason") == "hangup");
  auto bye = next_call_message(*b2, "call.ended");
  CHECK(bye.at("state") == "ended");
  CHECK(bye.at("by") == jv(f.alice));
  expect_error(call_fixture::act(*b2, "call.end", id), "conflict");

  auto status =
      call(f.server.port(), "GET", "/api/calls/" + id + "/status", f.token("bob@calls.test"));
  REQUIRE(status.status == 200);
  CHECK(data_of(status).at("state") == "ended");
  auto history = call(f.server.port(), "GET", "/api/v1/call-history", f.token("alice@calls.test"));
  REQUIRE(history.status == 200);
  auto entries = history.json().at("data").as_array();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].at("direction") == "outbound");
  CHECK(entries[0].at("contactExtension") == "102");
  CHECK(entries[0].at("contactName") == "Bob Baker");
  CHECK(entries[0].at("answered") == true);
  auto bobs = call(f.server.port(), "GET", "/api/v1/call-history", f.token("bob@calls.test"));
  auto bob_entries = bobs.json().at("data").as_array();
  REQUIRE(bob_entries.size() == 1);
  CHECK(bob_entries[0].at("direction") == "inbound");
  CHECK(bob_entries[0].at("contactExtension") == "101");

  // The audit trail holds every transition and signaling action.
  auto events =
      call(f.server.port(), "GET", "/api/calls/" + id + "/events", f.token("alice@calls.test"));
  REQUIRE(events.status == 200);
  std::vector<std::string> types;
  auto trail = events.json();
  for (const auto& e : trail.at("data").as_array()) types.push_back(str(e.at("type")));
  CHECK(types == std::vector<std::string>{"initiated", "ringing", "answered", "offer", "ice",
                                          "answer_sdp", "media", "ended"});
}

TEST_CASE("only participants act on a call, and signaling only reaches participants", "[calls]") {
  call_fixture f(env_map{{"CALL_MAX_SDP_BYTES", "1024"}});
  auto [a, b, c] = f.devices("alice@calls.test", "bob@calls.test", "carol@calls.test");
  auto id = call_fixture::ring(*a, *b);
  CHECK(stays_quiet(*c));

  // Signaling before answering, by outsiders, to outsiders.
  expect_error(call_fixture::act(*b, "call.offer", id, {{"sdp", kOffer}}), "conflict");
  expect_error(call_fixture::act(*c, "call.answer", id), "forbidden");
  expect_error(call_fixture::act(*c, "call.ice", id, {{"candidate", candidate()}}), "forbidden");
  expect_error(call_fixture::act(*c, "call.end", id), "forbidden");
  expect_error(call_fixture::act(*a, "call.offer", id, {{"sdp", kOffer}, {"to", f.carol}}),
               "forbidden");
  auto outsider =
      call(f.server.port(), "GET", "/api/calls/" + id + "/status", f.token("carol@calls.test"));
  CHECK(outsider.status == 403);
  // Sizes and malformed messages.
  expect_error(call_fixture::act(*a, "call.offer", id, {{"sdp", std::string(2000, 'x')}}),
               "payload_too_large");
  expect_error(call_fixture::act(*a, "call.ice", id, {{"candidate", "not an object"}}),
               "bad_request");
  expect_error(call_fixture::act(*a, "call.ice", id, {{"candidate", {{"sdpMid", "0"}}}}),
               "bad_request");
  expect_error(call_fixture::act(*a, "call.media", id, {{"audio", "off"}}), "bad_request");
  expect_error(call_fixture::act(*a, "call.answer", "not-a-call"), "not_found");
  expect_error(call_fixture::act(*a, "call.answer", "7c1c7c5e-0000-4000-8000-000000000000"),
               "not_found");
  expect_error(call_fixture::ask(*a, {{"type", "call.answer"}}), "bad_request");
  expect_error(
      call_fixture::ask(*a, {{"type", "call.invite"}, {"to", "102"}, {"extension", "102"}}),
      "bad_request");
  expect_error(call_fixture::ask(*a, {{"type", "call.invite"}, {"to", "999"}}), "not_found");
  expect_error(call_fixture::ask(*a, {{"type", "call.invite"}, {"to", "101"}}), "bad_request");
  expect_error(call_fixture::ask(*a, {{"type", "call.teleport"}, {"call_id", id}}), "unknown_type");
  // Nothing of that reached Bob, and the call still rings for him.
  CHECK(stays_quiet(*b));
  REQUIRE(call_fixture::act(*b, "call.answer", id).at("call").at("state") == "active");
}

TEST_CASE("a callee who does not answer is missed; one with no device online is missed at once",
          "[calls]") {
  call_fixture f(env_map{{"CALL_RING_TIMEOUT_MS", "400"}});
  auto a = f.device("alice@calls.test");
  {
    // Bob has no device: no ring, missed at once.
    auto placed = call_fixture::invite(*a, "102");
    CHECK(placed.at("state") == "missed");
    CHECK(placed.at("end_reason") == "callee_offline");
  }
  auto b = f.device("bob@calls.test");
  auto id = str(call_fixture::invite(*a, f.bob).at("id"));
  next_call_message(*b, "call.incoming");
  auto ended = next_call_message(*a, "call.ended", std::chrono::seconds(3));
  CHECK(ended.at("call_id") == jv(id));
  CHECK(ended.at("state") == "missed");
  CHECK(ended.at("reason") == "no_answer");
  CHECK(next_call_message(*b, "call.ended").at("state") == "missed");
  expect_error(call_fixture::act(*b, "call.answer", id), "conflict");

  auto history = call(f.server.port(), "GET", "/api/v1/call-history", f.token("bob@calls.test"));
  auto entries = history.json().at("data").as_array();
  REQUIRE(entries.size() == 2);
  for (const auto& e : entries) {  // a copy: safe
    CHECK(e.at("direction") == "inbound");
    CHECK(e.at("answered") == false);
    CHECK(e.at("outcome") == "missed");
    CHECK(e.at("duration").is_null());
  }
}

TEST_CASE("a callee rejects; the caller cancels before an answer", "[calls]") {
  call_fixture f;
  auto [a, b] = f.devices("alice@calls.test", "bob@calls.test");
  auto id = call_fixture::ring(*a, *b);
  expect_error(call_fixture::act(*a, "call.reject", id), "forbidden");
  auto rejected = call_fixture::act(*b, "call.reject", id);
  CHECK(rejected.at("call").at("state") == "rejected");
  auto ended = next_call_message(*a, "call.ended");
  CHECK(ended.at("state") == "rejected");
  CHECK(ended.at("by") == jv(f.bob));

  auto second = call_fixture::ring(*a, *b);
  auto cancelled = call_fixture::act(*a, "call.end", second);
  CHECK(cancelled.at("call").at("state") == "ended");
  CHECK(cancelled.at("call").at("end_reason") == "cancelled");
  CHECK(next_call_message(*b, "call.ended").at("reason") == "cancelled");
  auto history =
      call(f.server.port(), "GET", "/api/v1/call-history?limit=1", f.token("alice@calls.test"));
  auto latest = history.json().at("data").as_array().at(0);
  CHECK(latest.at("outcome") == "cancelled");
  CHECK(history.json().at("pagination").at("total") == 2);
}

TEST_CASE("a party whose device drops fails the call unless it comes back in time", "[calls]") {
  call_fixture f(env_map{{"CALL_RECONNECT_GRACE_MS", "1500"}});
  auto a = f.device("alice@calls.test");
  auto id = std::string();
  {
    auto b = f.device("bob@calls.test");
    id = call_fixture::ring(*a, *b);
    REQUIRE(call_fixture::act(*b, "call.answer", id).at("type") == "call.ok");
    next_call_message(*a, "call.participant_joined");
  }  // Bob's device is gone.
  {
    // Back within the grace period on a new device: the call goes on there.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto b = f.device("bob@calls.test");
    REQUIRE(call_fixture::act(*b, "call.media", id, {{"video", false}}).at("type") == "call.ok");
    next_call_message(*a, "call.media");
    // That the first drop's timer is then stale: tests/actors/call_actor_test.cpp.
  }  // Gone again, for good this time.
  auto ended = next_call_message(*a, "call.ended", std::chrono::seconds(4));
  CHECK(ended.at("state") == "failed");
  CHECK(ended.at("reason") == "disconnected");
}

TEST_CASE("a group call relays each pair's signaling and goes on while two remain", "[calls]") {
  call_fixture f;
  auto [a, b, c] = f.devices("alice@calls.test", "bob@calls.test", "carol@calls.test");
  auto r = call_fixture::ask(*a, {{"type", "call.invite"},
                                  {"participants", boost::json::array{"102", f.carol}},
                                  {"media", "video"}});
  REQUIRE(r.at("type") == "call.ok");
  auto id = str(r.at("call").at("id"));
  CHECK(r.at("call").at("media") == "video");
  next_call_message(*b, "call.incoming");
  CHECK(next_call_message(*c, "call.incoming").at("participants").as_array().size() == 3);
  call_fixture::act(*b, "call.answer", id);
  call_fixture::act(*c, "call.answer", id);
  next_call_message(*b, "call.participant_joined");  // Carol

  // Bob's offer to Carol reaches Carol only.
  REQUIRE(call_fixture::act(*b, "call.offer", id, {{"sdp", kOffer}, {"to", f.carol}}).at("type") ==
          "call.ok");
  CHECK(next_call_message(*c, "call.offer").at("from") == jv(f.bob));
  next_call_message(*a, "call.participant_joined");
  next_call_message(*a, "call.participant_joined");
  CHECK(stays_quiet(*a));

  // Bob leaves: the call goes on between Alice and Carol, then ends when Carol leaves.
  CHECK(call_fixture::act(*b, "call.end", id).at("call").at("state") == "active");
  auto left = next_call_message(*a, "call.participant_left");
  CHECK(left.at("participant").at("user_id") == jv(f.bob));
  CHECK(left.at("reason") == "hangup");
  CHECK(call_fixture::act(*c, "call.end", id).at("call").at("state") == "ended");
  CHECK(next_call_message(*a, "call.ended").at("state") == "ended");
  auto history = call(f.server.port(), "GET", "/api/v1/call-history", f.token("alice@calls.test"));
  CHECK(history.json().at("data").as_array().size() == 2);  // one row per callee
}

}  // namespace sb::test
