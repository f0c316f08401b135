#include <catch2/catch.hpp>

#include "tests/integration/cti_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr int64_t kT0 = 1731624039404;          // ms, as Dialpad sends times
constexpr int64_t kBigCall = 9007199254740993;  // 2^53 + 1: wrong if it went through a double

json::object call_of(const cti_app& app, int64_t dialpad_call_id) {
  auto list = app.get("/api/calls?limit=200").json().at("data").as_array();
  for (auto& c : list) {
    if (c.at("dialpad_call_id").as_int64() == dialpad_call_id) return c.as_object();
  }
  return {};
}

std::string status_of(const cti_app& app, int64_t dialpad_call_id) {
  auto c = call_of(app, dialpad_call_id);
  return c.empty() ? "" : std::string(c.at("status").as_string());
}

int64_t stored_events(const cti_app& app, const std::string& status = "") {
  auto r = app.ops("GET", "/webhook-events" + (status.empty() ? "" : "?status=" + status));
  REQUIRE(r.status == 200);
  return r.json().at("pagination").at("total").as_int64();
}

}  // namespace

TEST_CASE("signed Dialpad deliveries are committed, deduplicated and applied in order", "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto app = cti_app::create(server.port(), "CRM");

  auto ringing = app.post(dialpad_event(kBigCall, "ringing", kT0));
  REQUIRE(ringing.status == 200);
  CHECK(ringing.json().at("duplicate") == false);
  // Dialpad retries a delivery it thinks failed: the same event, answered 200, stored once.
  auto retry = app.post(dialpad_event(kBigCall, "ringing", kT0));
  REQUIRE(retry.status == 200);
  CHECK(retry.json().at("duplicate") == true);
  CHECK(retry.json().at("event_id") == ringing.json().at("event_id"));
  REQUIRE(eventually([&] { return status_of(app, kBigCall) == "ringing"; }));

  REQUIRE(
      app.post(dialpad_event(kBigCall, "connected", kT0 + 5000, {{"date_connected", kT0 + 5000}}))
          .status == 200);
  REQUIRE(app.post(dialpad_event(kBigCall, "hangup", kT0 + 65000,
                                 {{"date_ended", kT0 + 65000}, {"duration", 60123.4}}))
              .status == 200);
  REQUIRE(eventually([&] { return status_of(app, kBigCall) == "completed"; }));
  // A late retry of an earlier state (new timestamp, so not a duplicate) never moves an
  // ended call back.
  REQUIRE(app.post(dialpad_event(kBigCall, "ringing", kT0 + 100)).status == 200);
  REQUIRE(eventually([&] { return stored_events(app, "processed") == 4; }));

  auto call = call_of(app, kBigCall);
  CHECK(call.at("dialpad_call_id").as_int64() == kBigCall);
  CHECK(call.at("status") == "completed");
  CHECK(call.at("state") == "hangup");
  CHECK(call.at("direction") == "inbound");
  CHECK(call.at("from_number") == "+15105550123");
  CHECK(call.at("to_number") == "+15105559876");
  CHECK(call.at("dialpad_user_id").as_int64() == 5527348325810176);
  CHECK(call.at("duration_seconds") == 60);  // Dialpad's milliseconds, in the seed's seconds
  CHECK(call.at("started_at") == "2024-11-14T22:40:38.404Z");

  auto detail = app.get("/api/calls/" + std::string(call.at("id").as_string()));
  REQUIRE(detail.status == 200);
  auto states = detail.json().at("data").at("states").as_array();
  REQUIRE(states.size() == 4);
  CHECK(states[0].at("state") == "ringing");
  CHECK(states[1].at("state") == "connected");
  CHECK(states[2].at("state") == "hangup");
  CHECK(states[3].at("state") == "ringing");
  CHECK(states[3].at("applied") == false);
  CHECK(states[2].at("applied") == true);
}

TEST_CASE("deliveries that fail verification are refused and nothing is stored", "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto app = cti_app::create(server.port(), "CRM");
  auto claims = dialpad_event(42, "ringing", kT0);
  auto good = sb::jwt::sign_hs256(claims, app.secret);
  auto dot1 = good.find('.'), dot2 = good.rfind('.');
  auto b64 = [](const std::string& s) { return sb::crypto::base64url_encode(s); };

  auto problem_code = [](const http_reply& r) {
    return std::string(r.json().at("code").as_string());
  };
  auto wrong_key = app.post_raw(sb::jwt::sign_hs256(claims, "not-the-secret"));
  CHECK(wrong_key.status == 401);
  CHECK(problem_code(wrong_key) == "unauthorized");
  // alg "none" with an empty signature, and a token signed with another algorithm.
  auto none = b64(R"({"alg":"none","typ":"JWT"})") + good.substr(dot1, dot2 - dot1) + ".";
  CHECK(app.post_raw(none).status == 401);
  auto hs512 = b64(R"({"alg":"HS512","typ":"JWT"})") + good.substr(dot1);
  CHECK(app.post_raw(hs512).status == 401);
  // Truncated: inside the signature (no longer 32 bytes: malformed), and before it (not a JWT
  // at all); a signature of the right length that does not match is 401.
  CHECK(app.post_raw(good.substr(0, good.size() - 5)).status == 400);
  auto flipped = good;
  flipped[dot2 + 2] = flipped[dot2 + 2] == 'A' ? 'B' : 'A';
  CHECK(app.post_raw(flipped).status == 401);
  auto cut = app.post_raw(good.substr(0, dot2));
  CHECK(cut.status == 400);
  CHECK(problem_code(cut) == "bad_request");
  // Claims that are not JSON, correctly signed.
  auto header = good.substr(0, dot1);
  auto signing_input = header + "." + b64("this is not json");
  auto mac = sb::crypto::hmac_sha256(app.secret, signing_input);
  CHECK(app.post_raw(signing_input + "." + b64(mac)).status == 400);
  // Expired (exp honoured when present).
  auto expired = claims;
  expired["exp"] = 1000;
  CHECK(app.post(expired).status == 401);
  // Unsigned JSON to an app that has a secret.
  CHECK(app.post_raw(json::serialize(claims), {{"Content-Type", "application/json"}}).status ==
        401);
  // The seed's header with a wrong MAC.
  CHECK(app.post_raw(json::serialize(claims),
                     {{"Content-Type", "application/json"}, {"x-dialpad-signature", "AAAA"}})
            .status == 401);
  // Too large, and for an app that does not exist.
  auto big = claims;
  big["padding"] = std::string(70 * 1024, 'x');
  auto large = app.post(big);
  CHECK(large.status == 413);
  CHECK(problem_code(large) == "payload_too_large");
  CHECK(http_request(server.port(), "POST",
                     "/webhooks/dialpad/00000000-0000-4000-8000-000000000000", good,
                     {{"Content-Type", "application/jwt"}})
            .status == 404);
  CHECK(http_request(server.port(), "POST", "/webhooks/dialpad/not-an-id", good).status == 404);
  // No default app configured for the seed's path.
  CHECK(http_request(server.port(), "POST", "/webhooks/dialpad", good).status == 404);

  CHECK(stored_events(app) == 0);
  CHECK(app.post_raw(good).status == 200);  // and the genuine one still goes through
  CHECK(stored_events(app) == 1);
}

TEST_CASE("the seed's x-dialpad-signature header and unsigned apps are compatibility modes",
          "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto signed_app = cti_app::create(server.port(), "Seed-style");
  auto body = json::serialize(dialpad_event(7, "ringing", kT0));
  auto sig = sb::crypto::base64_encode(sb::crypto::hmac_sha256(signed_app.secret, body));
  auto r = signed_app.post_raw(
      body, {{"Content-Type", "application/json"}, {"x-dialpad-signature", sig}});
  CHECK(r.status == 200);
  REQUIRE(eventually([&] { return status_of(signed_app, 7) == "ringing"; }));

  // An app with no secret of its own: nothing proves where an event came from, so it is
  // refused, signed or not (anyone could post its events).
  auto open_app = cti_app::create(server.port(), "No secret", "");
  auto unsigned_reply = open_app.post_raw(body, {{"Content-Type", "application/json"}});
  CHECK(unsigned_reply.status == 401);
  CHECK(unsigned_reply.json().at("detail").as_string().find("DIALPAD_WEBHOOK_SECRET") !=
        json::string::npos);
  CHECK(open_app.post_raw(sb::jwt::sign_hs256(dialpad_event(8, "ringing", kT0), "x")).status ==
        401);
  CHECK(stored_events(open_app) == 0);
}

TEST_CASE("DIALPAD_WEBHOOK_SECRET signs for apps without a secret of their own", "[cti]") {
  test_database db;
  const std::string shared = "whsec-shared-0123456789abcdef";
  server_process server({{"DATABASE_URL", db.url()}, {"DIALPAD_WEBHOOK_SECRET", shared}});
  auto open_app = cti_app::create(server.port(), "No secret", "");
  auto own_app = cti_app::create(server.port(), "Own secret");
  auto event = dialpad_event(9, "ringing", kT0);
  CHECK(open_app.post_raw(sb::jwt::sign_hs256(event, shared)).status == 200);
  REQUIRE(eventually([&] { return status_of(open_app, 9) == "ringing"; }));
  // An app's own secret is its only one; unsigned stays refused for both.
  CHECK(own_app.post_raw(sb::jwt::sign_hs256(event, shared)).status == 401);
  auto body = json::serialize(event);
  CHECK(open_app.post_raw(body, {{"Content-Type", "application/json"}}).status == 401);
}

TEST_CASE("unsigned webhooks only with the development setting", "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"DIALPAD_ALLOW_UNSIGNED_WEBHOOKS", "true"}});
  auto open_app = cti_app::create(server.port(), "No secret", "");
  auto body = json::serialize(dialpad_event(7, "ringing", kT0));
  CHECK(open_app.post_raw(body, {{"Content-Type", "application/json"}}).status == 200);
  REQUIRE(eventually([&] { return status_of(open_app, 7) == "ringing"; }));
  // An app with a secret still refuses unsigned events.
  auto signed_app = cti_app::create(server.port(), "Signed");
  CHECK(signed_app.post_raw(body, {{"Content-Type", "application/json"}}).status == 401);
}

TEST_CASE("an event that cannot be processed is stored, answered 200, dead, and replayable",
          "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"WEBHOOK_STATS_INTERVAL_MS", "50"}});
  auto app = cti_app::create(server.port(), "CRM");
  // An SMS event: valid and signed, but not a call event. Dialpad never retries a 4xx, so
  // refusing it would lose it: it is kept for an operator.
  json::object sms{{"id", 123}, {"direction", "inbound"}, {"text", "hello"}};
  REQUIRE(app.post(sms).status == 200);
  REQUIRE(eventually([&] { return stored_events(app, "dead") == 1; }));
  auto dead = app.ops("GET", "/webhook-events?status=dead").json().at("data").as_array();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].at("last_error").as_string().find("call_id") != json::string::npos);
  auto id = std::to_string(dead[0].at("id").as_int64());
  // Operators see the backlog: summed in /health, per app in /metrics.
  CHECK(eventually([&] {
    auto h = http_request(server.port(), "GET", "/health").json();
    return h.at("webhooks").at("dead") == 1 && h.at("webhooks").at("pending") == 0;
  }));
  CHECK(eventually([&] {
    return http_request(server.port(), "GET", "/metrics")
               .body.find("sb_webhook_stream_dead{app_id=\"" + app.id + "\"} 1\n") !=
           std::string::npos;
  }));

  auto replay = app.ops("POST", "/webhook-events/" + id + "/replay");
  REQUIRE(replay.status == 200);
  CHECK(replay.json().at("data").at("status") == "pending");
  REQUIRE(eventually([&] { return stored_events(app, "dead") == 1; }));
  // Only failed or dead events are replayed; unknown ids are 404.
  auto processed_id = app.post(dialpad_event(9, "ringing", kT0)).json().at("event_id").as_int64();
  REQUIRE(eventually([&] { return stored_events(app, "processed") == 1; }));
  CHECK(app.ops("POST", "/webhook-events/" + std::to_string(processed_id) + "/replay").status ==
        409);
  CHECK(app.ops("POST", "/webhook-events/999999/replay").status == 404);
}

TEST_CASE("webhooks over their rate limit are answered 503, which Dialpad retries, not 429",
          "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"RATE_LIMIT_WEBHOOKS", "2"}});
  auto app = cti_app::create(server.port(), "CRM");
  CHECK(app.post(dialpad_event(1, "ringing", kT0)).status == 200);
  CHECK(app.post(dialpad_event(2, "ringing", kT0)).status == 200);
  auto over = app.post(dialpad_event(3, "ringing", kT0));
  CHECK(over.status == 503);
  CHECK(over.json().at("code") == "overloaded");
  CHECK_FALSE(over.header("retry-after").empty());
  CHECK(stored_events(app) == 2);
}
