// Dialpad webhook bodies (docs/api.md, "CTI webhooks"): how a delivery proves its origin (JWT
// or the seed's HMAC header), and how its claims become a typed call event.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "config/ground/crypto.hpp"
#include "protocols/auth/jwt.hpp"
#include "protocols/dialpad/call_event_json.hpp"
#include "protocols/dialpad/webhook_body.hpp"

using namespace sb;
using dialpad::rejection;
using dialpad::signing;

namespace {

const std::optional<std::string> kSecret = std::string("whsec-north");
constexpr int64_t kNow = 1700000000;

rejection refused(const std::variant<dialpad::verified_body, rejection>& r) {
  REQUIRE(std::holds_alternative<rejection>(r));
  return std::get<rejection>(r);
}

dialpad::verified_body accepted(const std::variant<dialpad::verified_body, rejection>& r) {
  REQUIRE(std::holds_alternative<dialpad::verified_body>(r));
  return std::get<dialpad::verified_body>(r);
}

std::string b64url(std::string_view s) {
  return crypto::base64url_encode(s);
}

}  // namespace

TEST_CASE("a JWT body is checked against the app's secret", "[cti][codec]") {
  boost::json::object claims{{"call_id", 6001}, {"state", "ringing"}};
  auto token = jwt::sign_hs256(claims, *kSecret);
  auto ok = accepted(dialpad::verify_webhook(token + "\n", "", kSecret, kNow));
  CHECK(ok.how == signing::jwt);
  CHECK(ok.claims == claims);

  CHECK(refused(dialpad::verify_webhook(token, "", std::string("other"), kNow)) ==
        rejection::bad_signature);
  CHECK(refused(dialpad::verify_webhook(token, "", std::nullopt, kNow)) ==
        rejection::bad_signature);  // nothing to check it with

  auto none = b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(R"({"call_id":1})") + ".";
  CHECK(refused(dialpad::verify_webhook(none + "x", "", kSecret, kNow)) ==
        rejection::unsupported_alg);

  // exp is honoured beyond the 30 s of clock skew JWTs are allowed.
  boost::json::object skewed = claims;
  skewed["exp"] = kNow - 10;
  CHECK(
      accepted(dialpad::verify_webhook(jwt::sign_hs256(skewed, *kSecret), "", kSecret, kNow)).how ==
      signing::jwt);
  boost::json::object old = claims;
  old["exp"] = kNow - 31;
  CHECK(refused(dialpad::verify_webhook(jwt::sign_hs256(old, *kSecret), "", kSecret, kNow)) ==
        rejection::expired);
}

TEST_CASE("a JSON body is signed by the seed's header, or unsigned for apps without a secret",
          "[cti][codec]") {
  std::string body = R"({"call_id":6002,"state":"hangup"})";
  auto signature = crypto::base64_encode(crypto::hmac_sha256(*kSecret, body));
  CHECK(accepted(dialpad::verify_webhook(body, signature, kSecret, kNow)).how == signing::hmac);
  CHECK(accepted(dialpad::verify_webhook(body, " " + signature + " ", kSecret, kNow)).how ==
        signing::hmac);
  // One changed byte of the body breaks the signature.
  std::string tampered = R"({"call_id":6003,"state":"hangup"})";
  CHECK(refused(dialpad::verify_webhook(tampered, signature, kSecret, kNow)) ==
        rejection::bad_signature);
  CHECK(refused(dialpad::verify_webhook(body, "", kSecret, kNow)) == rejection::unsigned_refused);
  CHECK(accepted(dialpad::verify_webhook(body, "", std::nullopt, kNow)).how == signing::unsigned_);
  CHECK(refused(dialpad::verify_webhook(body, signature, std::nullopt, kNow)) ==
        rejection::bad_signature);
}

TEST_CASE("what is neither a JWT nor a JSON object is malformed", "[cti][codec]") {
  for (std::string_view body : {"", "   ", "[1,2]", "call_id=1", "{not json", "a.b"}) {
    INFO(body);
    CHECK(refused(dialpad::verify_webhook(body, "", std::nullopt, kNow)) == rejection::malformed);
  }
  // Valid signature over a body that is not an object.
  std::string array = "{]";
  auto sig = crypto::base64_encode(crypto::hmac_sha256(*kSecret, array));
  CHECK(refused(dialpad::verify_webhook(array, sig, kSecret, kNow)) == rejection::malformed);
}

TEST_CASE("claims become a typed call event, integers exact", "[cti][codec]") {
  std::string why;
  auto e = dialpad::read_call_event(
      R"({"call_id":9007199254740993,"state":"hangup","event_timestamp":1700000000123,
          "direction":"inbound","external_number":"+15550001","internal_number":"+15550002",
          "date_started":1700000000000,"date_connected":1700000001000,
          "date_ended":1700000009000,"duration":8951.03,
          "target":{"type":"user","id":5550001},
          "recording_details":[{"id":1},{"url":"https://rec.example/1"}],
          "voicemail_link":"","transcription_text":"hello"})",
      &why);
  REQUIRE(e);
  CHECK(e->call_id == 9007199254740993);  // beyond a double's exact range
  CHECK(e->state == "hangup");
  CHECK(e->event_timestamp_ms == 1700000000123);
  CHECK(e->duration_ms == 8951);  // Dialpad's fractional milliseconds, rounded
  CHECK(e->target_user_id == 5550001);
  CHECK(e->recording_url == "https://rec.example/1");
  CHECK_FALSE(e->voicemail_url);  // empty strings are absent
  CHECK(e->transcript == "hello");
  CHECK(e->from_number() == "+15550001");
  CHECK(e->to_number() == "+15550002");

  auto legacy = dialpad::read_call_event(
      R"({"call_id":1,"state":"recording","recording_url":["https://rec.example/a"],
          "target":{"type":"office","id":7}})",
      &why);
  REQUIRE(legacy);
  CHECK(legacy->recording_url == "https://rec.example/a");
  CHECK_FALSE(legacy->target_user_id);  // only a user target maps to a user

  for (std::string bad :
       {R"({"call_id":1.5,"state":"hangup"})", R"({"call_id":"1","state":"x"})",
        R"({"state":"hangup"})", R"({"call_id":1,"state":7})", R"({"call_id":1})", "[]", "{"}) {
    INFO(bad);
    why.clear();
    CHECK_FALSE(dialpad::read_call_event(bad, &why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("call states map to phases, seed events and statuses", "[cti][codec]") {
  CHECK(dialpad::phase_of("ringing") == dialpad::phase::ring);
  CHECK(dialpad::phase_of("connected") == dialpad::phase::active);
  CHECK(dialpad::phase_of("hangup") == dialpad::phase::ended);
  CHECK(dialpad::phase_of("recording") == dialpad::phase::info);
  CHECK(dialpad::seed_event_of("ringing") == "call.ring");
  CHECK(dialpad::seed_event_of("hangup") == "call.ended");
  CHECK(dialpad::seed_event_of("hold") == "call.updated");
  CHECK(dialpad::status_of("missed") == "missed");
  CHECK(dialpad::status_of("recording").empty());
  CHECK(dialpad::seconds_of_ms(1499) == 1);
  CHECK(dialpad::seconds_of_ms(1500) == 2);

  // A retry repeats the key; the same state at a new time is a new event.
  dialpad::call_event a;
  a.call_id = 1;
  a.state = "connected";
  a.event_timestamp_ms = 10;
  auto retry = a;
  auto again = a;
  again.event_timestamp_ms = 20;
  CHECK(dialpad::dedupe_key(a) == dialpad::dedupe_key(retry));
  CHECK(dialpad::dedupe_key(a) != dialpad::dedupe_key(again));
}
