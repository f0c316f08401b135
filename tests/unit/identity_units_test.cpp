#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "actors/identity/auth_cache.hpp"
#include "api/input.hpp"
#include "config/ground/rate_limiter.hpp"
#include "protocols/smtp/client.hpp"

using namespace sb;

TEST_CASE("passwords need 12 characters and must not be common", "[identity]") {
  CHECK(api::password_weakness("short") == "must be at least 12 characters");
  CHECK(api::password_weakness("ééééééééééé") == "must be at least 12 characters");  // 11 chars
  CHECK(api::password_weakness("aaaaaaaaaaaaaaa") == "must not repeat a single character");
  for (const char* weak : {"password1234", "Password2024!", "P@ssw0rd!!99", "qwertyuiop12",
                           "1qaz2wsx3edc4rfv", "abcdefghijklmn", "123456789012", "adminadmin123",
                           "Welcome12345", "abcabcabcabcabc", "iloveyou1234"}) {
    INFO(weak);
    CHECK(api::password_weakness(weak) == "is too common; choose a less guessable password");
  }
  for (const char* fine :
       {"correct-Horse-battery-9", "Tr0ub4dor&3-horse", "839201748392", "zebra lamp ocean 42"}) {
    INFO(fine);
    CHECK(api::password_weakness(fine).empty());
  }
  CHECK(api::password_weakness(std::string(257, 'x') + "y") == "must be at most 256 bytes");
}

TEST_CASE("email addresses are checked for shape", "[identity]") {
  CHECK(api::is_email("ann@example.com"));
  CHECK(api::is_email("a.b+tag@sub.example.co"));
  CHECK_FALSE(api::is_email("ann"));
  CHECK_FALSE(api::is_email("ann@example"));
  CHECK_FALSE(api::is_email("@example.com"));
  CHECK_FALSE(api::is_email("ann@@example.com"));
  CHECK_FALSE(api::is_email("ann @example.com"));
  CHECK_FALSE(api::is_email("ann@example.com\r\nBcc: x@y.z"));
  CHECK_FALSE(api::is_email(std::string(65, 'a') + "@example.com"));
}

TEST_CASE("query parameters must be UTF-8: refused with 400, never passed on", "[identity]") {
  http::request req;
  req.path = "/api/users";
  req.query = "search=caf%C3%A9&name=%FF%FE";
  auto q = api::fields::from_query(req);
  CHECK(q.text("search", {false, 100}) == "caf\xC3\xA9");
  CHECK_FALSE(q.text("name", {false, 100}));
  REQUIRE(q.errors().size() == 1);
  CHECK(q.errors()[0].message == "must be valid UTF-8");

  req.query = "%C0%AF=1&search=x";  // an overlong '/' as a parameter name
  auto named = api::fields::from_query(req);
  named.reject_unknown({"search"});
  REQUIRE(named.errors().size() == 1);
  CHECK(named.errors()[0].field == "query");
  auto problem = named.problem(req.path);
  CHECK(problem.status == 400);
  CHECK(boost::json::parse(problem.body).at("errors").as_array().size() == 1);
}

TEST_CASE("rate limits count per key in one-minute windows", "[identity]") {
  rate_limiter limiter;
  int64_t t0 = 1'000'000'000;
  auto first = limiter.hit("k", 3, t0);
  CHECK(first.allowed);
  CHECK(first.remaining == 2);
  CHECK(first.reset_s == 60);
  CHECK(limiter.hit("k", 3, t0 + 1).allowed);
  CHECK(limiter.hit("k", 3, t0 + 2).remaining == 0);
  auto refused = limiter.hit("k", 3, t0 + 30'000'000);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.reset_s == 30);
  CHECK(limiter.hit("other", 3, t0 + 30'000'000).allowed);
  CHECK(limiter.hit("k", 3, t0 + 60'000'000).allowed);  // a new window
}

TEST_CASE("the auth cache refuses facts that an invalidation overtook", "[identity]") {
  auth_cache cache;
  auto gen = cache.generation();
  cache.forget_user("u1");  // e.g. the user was disabled while their row was being read
  cache.put_user("u1", user_state{"t", "user", "active", 0, false, true}, gen);
  CHECK_FALSE(cache.user("u1").has_value());
  cache.put_user("u1", user_state{"t", "user", "active", 0, false, true}, cache.generation());
  CHECK(cache.user("u1").has_value());

  persistence::app_key_owner owner{"app1", "t", true, std::nullopt};
  cache.put_key("h", owner, 0, cache.generation());
  REQUIRE(cache.key("h", 1).has_value());
  cache.forget_app("app1");
  CHECK_FALSE(cache.key("h", 1).has_value());
  // Unknown keys are remembered briefly, then asked again.
  cache.put_key("nope", std::nullopt, 0, cache.generation());
  CHECK(cache.key("nope", 1).has_value());
  CHECK_FALSE(cache.key("nope", auth_cache::negative_ttl_us + 1).has_value());
  // A key in its grace period stops at the end of it.
  persistence::app_key_owner old{"app2", "t", true, int64_t{100}};
  cache.put_key("old", old, 0, cache.generation());
  CHECK(cache.key("old", 99)->owner.has_value());
  CHECK_FALSE(cache.key("old", 100)->owner.has_value());
  // A cluster member that (re)joins forgets everything, and a load that raced with it too.
  gen = cache.generation();
  cache.forget_all();
  CHECK_FALSE(cache.user("u1").has_value());
  CHECK_FALSE(cache.key("old", 1).has_value());
  cache.put_user("u1", user_state{"t", "user", "active", 0, false, true}, gen);
  CHECK_FALSE(cache.user("u1").has_value());
}

TEST_CASE("mail is rendered with CRLF, dot-stuffing and encoded subjects", "[identity]") {
  smtp::settings s;
  s.from = "no-reply@switchboard.local";
  auto text = smtp::render(s, {"ann@example.com", "Réinitialiser", "line one\n.hidden\r\nend"},
                           "id@x", "Mon, 23 Nov 2026 12:00:00 +0000");
  CHECK(text.find("Subject: =?UTF-8?B?UsOpaW5pdGlhbGlzZXI=?=\r\n") != std::string::npos);
  CHECK(text.ends_with("\r\n\r\nline one\r\n..hidden\r\nend\r\n.\r\n"));
  CHECK(text.find("To: ann@example.com\r\n") != std::string::npos);
  CHECK_THROWS_AS(smtp::render(s, {"a@b.c\r\nBcc: evil@x.y", "s", "b"}, "i", "d"), smtp::error);
}
