#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "config/ground/crypto.hpp"
#include "protocols/auth/jwt.hpp"

using namespace sb;
namespace json = boost::json;

namespace {

constexpr int64_t kNow = 1'800'000'000;

jwt::verify_options at(int64_t now) {
  return {now, 30, true};
}

std::string forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view secret) {
  auto input = crypto::base64url_encode(header_json) + "." + crypto::base64url_encode(payload_json);
  return input + "." + crypto::base64url_encode(crypto::hmac_sha256(secret, input));
}

jwt::failure failure_of(const std::variant<json::object, jwt::failure>& r) {
  REQUIRE(std::holds_alternative<jwt::failure>(r));
  return std::get<jwt::failure>(r);
}

}  // namespace

TEST_CASE("a signed token verifies and yields its claims", "[jwt]") {
  json::object claims{{"sub", "u1"}, {"tenant", "t1"}, {"exp", kNow + 60}, {"iat", kNow}};
  auto token = jwt::sign_hs256(claims, "s3cret");
  CHECK(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
  auto r = jwt::verify_hs256(token, "s3cret", at(kNow));
  REQUIRE(std::holds_alternative<json::object>(r));
  CHECK(std::get<json::object>(r).at("sub") == "u1");
}

TEST_CASE("tokens signed elsewhere with another header layout verify too", "[jwt]") {
  // jsonwebtoken (node) writes {"alg":"HS256","typ":"JWT"}; others reorder or add fields.
  auto token =
      forge(R"({"typ":"JWT","alg":"HS256","kid":"1"})", R"({"userId":"u9","exp":1800000100})", "k");
  CHECK(std::holds_alternative<json::object>(jwt::verify_hs256(token, "k", at(kNow))));
}

TEST_CASE("forged, tampered and mis-typed tokens are refused", "[jwt]") {
  auto good = jwt::sign_hs256(json::object{{"sub", "u1"}, {"exp", kNow + 60}}, "key");
  CHECK(failure_of(jwt::verify_hs256(good, "other", at(kNow))) == jwt::failure::bad_signature);

  auto tampered = good;
  tampered[tampered.find('.') + 2] ^= 1;
  CHECK(failure_of(jwt::verify_hs256(tampered, "key", at(kNow))) == jwt::failure::bad_signature);

  // alg "none" with an empty signature, and other algorithms, never verify.
  auto none = crypto::base64url_encode(R"({"alg":"none"})") + "." +
              crypto::base64url_encode(R"({"sub":"admin","exp":1900000000})") + ".";
  CHECK(failure_of(jwt::verify_hs256(none, "key", at(kNow))) == jwt::failure::unsupported_alg);
  auto hs512 = forge(R"({"alg":"HS512"})", R"({"exp":1900000000})", "key");
  CHECK(failure_of(jwt::verify_hs256(hs512, "key", at(kNow))) == jwt::failure::unsupported_alg);

  CHECK(failure_of(jwt::verify_hs256("a.b", "key", at(kNow))) == jwt::failure::malformed);
  CHECK(failure_of(jwt::verify_hs256("a.b.c.d", "key", at(kNow))) == jwt::failure::malformed);
  CHECK(failure_of(jwt::verify_hs256("", "key", at(kNow))) == jwt::failure::malformed);
  auto not_json = forge(R"({"alg":"HS256"})", "[1,2]", "key");
  CHECK(failure_of(jwt::verify_hs256(not_json, "key", at(kNow))) == jwt::failure::malformed);
  auto text_exp = forge(R"({"alg":"HS256"})", R"({"exp":"tomorrow"})", "key");
  CHECK(failure_of(jwt::verify_hs256(text_exp, "key", at(kNow))) == jwt::failure::malformed);
}

TEST_CASE("exp and nbf are honoured with a leeway", "[jwt]") {
  auto token = jwt::sign_hs256(json::object{{"exp", kNow}, {"nbf", kNow - 100}}, "k");
  CHECK(std::holds_alternative<json::object>(jwt::verify_hs256(token, "k", at(kNow + 30))));
  CHECK(failure_of(jwt::verify_hs256(token, "k", at(kNow + 31))) == jwt::failure::expired);
  CHECK(failure_of(jwt::verify_hs256(token, "k", at(kNow - 131))) == jwt::failure::not_yet_valid);
  auto no_exp = jwt::sign_hs256(json::object{{"sub", "x"}}, "k");
  CHECK(failure_of(jwt::verify_hs256(no_exp, "k", at(kNow))) == jwt::failure::expired);
  CHECK(std::holds_alternative<json::object>(
      jwt::verify_hs256(no_exp, "k", jwt::verify_options{kNow, 30, false})));
}
