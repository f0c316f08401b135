// An app's webhook stream, step by step on a deterministic scheduler: a delivery is answered
// once committed, a retry of it is a duplicate, a refused one leaves nothing behind; events
// are processed in order into the app's calls (monotonically) and reach live clients, and a
// client that reconnects with `since` gets what it missed before anything new.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/cti/calls.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/identity/tenants.hpp"
#include "tests/actors/deterministic.hpp"
#include "tests/actors/recording_outbound.hpp"

using namespace sb;

namespace {

std::string event(int64_t call_id, const std::string& state, int64_t ts) {
  return boost::json::serialize(boost::json::object{{"call_id", call_id},
                                                    {"state", state},
                                                    {"direction", "inbound"},
                                                    {"external_number", "+15105550123"},
                                                    {"internal_number", "+15105559876"},
                                                    {"date_started", ts - 1000},
                                                    {"event_timestamp", ts}});
}

struct stream_fixture : test::deterministic_system {
  stream_fixture() {
    auto tenant = persistence::create_tenant(*sql, "north").id;
    app = persistence::create_app(*sql, tenant, "crm").id;
    persistence::update_app(*sql, app, std::nullopt, std::nullopt,
                            std::optional<std::string>(secret));
    stream = sys.spawn(webhook_stream_impl, webhook_stream_deps{store, {}}, app);
    run();
  }

  /// Delivers `body` signed as the seed signs it; the stream's answer, or nullopt if refused.
  std::optional<std::tuple<int64_t, bool>> deliver(const std::string& body,
                                                   const std::string& key = secret) {
    auto signature = crypto::base64_encode(crypto::hmac_sha256(key, body));
    return ask<int64_t, bool>(stream, ingest_atom::value, body, signature);
  }

  /// A live client of the app's events, replaying those after `since` first (-1: live only).
  std::shared_ptr<test::recording_outbound> follow(int64_t since) {
    auto out = std::make_shared<test::recording_outbound>("ws-crm");
    auto session = sys.spawn(
        [](caf::event_based_actor*) -> caf::behavior { return {[](const std::string&) {}}; });
    caf::anon_send(stream, follow_atom::value, cti_follower{session, out, "", since});
    run();
    return out;
  }

  static std::vector<int64_t> seqs(const test::recording_outbound& out) {
    std::vector<int64_t> s;
    for (const auto& e : out.events) s.push_back(e.at("seq").as_int64());
    return s;
  }

  static inline const std::string secret = "whsec-north";
  std::string app;
  webhook_stream_actor stream;
};

}  // namespace

TEST_CASE_METHOD(stream_fixture, "a delivery is answered once committed; its retry is a duplicate",
                 "[cti][actor]") {
  auto live = follow(-1);
  auto first = deliver(event(6001, "ringing", 1700000000000));
  REQUIRE(first);
  CHECK_FALSE(std::get<1>(*first));
  auto retry = deliver(event(6001, "ringing", 1700000000000));
  REQUIRE(retry);
  CHECK(std::get<0>(*retry) == std::get<0>(*first));
  CHECK(std::get<1>(*retry));  // Dialpad retried: stored once, processed once

  REQUIRE(live->events.size() == 1);
  const auto& ring = live->events[0];
  CHECK(ring.at("event") == "call.ring");
  CHECK(ring.at("dialpad_call_id") == 6001);
  auto call = persistence::find_cti_call(*sql, app, std::string(ring.at("call_id").as_string()));
  REQUIRE(call);
  CHECK(call->status == "ringing");
}

TEST_CASE_METHOD(stream_fixture, "a delivery signed with another secret leaves nothing behind",
                 "[cti][actor]") {
  auto live = follow(-1);
  CHECK_FALSE(deliver(event(6002, "ringing", 1700000000000), "wrong-secret"));
  CHECK(live->events.empty());
  auto count = 0;
  *sql << "SELECT COUNT(*) FROM webhook_events", soci::into(count);
  CHECK(count == 0);
}

TEST_CASE_METHOD(stream_fixture, "a call's status only moves forward, whatever the order",
                 "[cti][actor]") {
  auto live = follow(-1);
  REQUIRE(deliver(event(6003, "connected", 1700000002000)));
  REQUIRE(deliver(event(6003, "ringing", 1700000001000)));  // late: older than connected
  REQUIRE(deliver(event(6003, "hangup", 1700000009000)));
  auto id = std::string(live->events.at(0).at("call_id").as_string());
  auto call = persistence::find_cti_call(*sql, app, id);
  REQUIRE(call);
  CHECK(call->status == "completed");
  std::vector<std::string> names;
  for (const auto& e : live->events) names.emplace_back(e.at("event").as_string());
  CHECK(names == std::vector<std::string>{"call.started", "call.ended"});
}

TEST_CASE_METHOD(stream_fixture, "a client back with `since` gets what it missed first, in order",
                 "[cti][actor]") {
  for (int i = 0; i < 3; ++i) REQUIRE(deliver(event(6100 + i, "ringing", 1700000000000 + i)));
  auto back = follow(1);
  CHECK(seqs(*back) == std::vector<int64_t>{2, 3});
  REQUIRE(deliver(event(6200, "ringing", 1700000005000)));
  CHECK(seqs(*back) == std::vector<int64_t>{2, 3, 4});
  auto from_start = follow(0);
  CHECK(seqs(*from_start) == std::vector<int64_t>{1, 2, 3, 4});
}
