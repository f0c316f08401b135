#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <future>
#include <regex>

#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// The token in a mailed link ("…?token=XYZ").
std::string token_in(const std::string& mail) {
  std::smatch m;
  REQUIRE(std::regex_search(mail, m, std::regex(R"(token=([A-Za-z0-9_-]+))")));
  return m[1];
}

}  // namespace

TEST_CASE("requests over the budget get 429 with RateLimit headers", "[limits]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"RATE_LIMIT_API", "3"}});
  auto token = admin_token(server);
  for (int i = 0; i < 3; ++i) {
    auto ok = call(server.port(), "GET", "/api/v1/auth/me", token);
    CHECK(ok.status == 200);
    CHECK(ok.header("ratelimit-limit") == "3");
    CHECK(ok.header("ratelimit-remaining") == std::to_string(2 - i));
  }
  auto refused = call(server.port(), "GET", "/api/v1/auth/me", token);
  CHECK(refused.status == 429);
  CHECK(refused.json().at("code") == "too_many_requests");
  CHECK(refused.header("ratelimit-remaining") == "0");
  CHECK(std::stoi(refused.header("retry-after")) >= 1);
  CHECK(std::stoi(refused.header("retry-after")) <= 60);
}

TEST_CASE("login attempts are limited per account from any address, and per address",
          "[limits][security]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"RATE_LIMIT_LOGIN", "3"},
                         {"RATE_LIMIT_LOGIN_PER_ADDRESS", "5"},
                         {"RATE_LIMIT_AUTH_FAILURES", "1000"}});
  auto attempt = [&](const std::string& email, const std::string& from) {
    auto body = json::serialize(json::object{{"email", email}, {"password", "guess-guess-guess"}});
    return http_request(server.port(), "POST", "/api/v1/auth/login", body,
                        {{"Content-Type", "application/json"}}, 10s, from)
        .status;
  };
  // One account, a new address each time: the account's budget holds.
  CHECK(attempt(kAdminEmail, "127.0.0.2") == 401);
  CHECK(attempt(kAdminEmail, "127.0.0.3") == 401);
  CHECK(attempt(kAdminEmail, "127.0.0.4") == 401);
  CHECK(attempt(kAdminEmail, "127.0.0.5") == 429);
  // One address, a new account each time: the address's budget holds.
  for (int i = 0; i < 5; ++i) {
    CHECK(attempt("someone" + std::to_string(i) + "@test.local", "127.0.0.9") == 401);
  }
  CHECK(attempt("someone.else@test.local", "127.0.0.9") == 429);
  CHECK(attempt("someone.else@test.local", "127.0.0.10") == 401);
}

TEST_CASE("behind TRUST_PROXY the client is who the proxy says; without it, the peer",
          "[limits][security]") {
  test_database db;
  auto attempt = [](uint16_t port, const std::string& forwarded_for, const std::string& from) {
    auto body = json::serialize(
        json::object{{"email", "nobody@test.local"}, {"password", "guess-guess-guess"}});
    return http_request(port, "POST", "/api/v1/auth/login", body,
                        {{"Content-Type", "application/json"}, {"X-Forwarded-For", forwarded_for}},
                        10s, from)
        .status;
  };
  env_map limits{{"DATABASE_URL", db.url()},
                 {"RATE_LIMIT_LOGIN", "1000"},
                 {"RATE_LIMIT_LOGIN_PER_ADDRESS", "2"},
                 {"RATE_LIMIT_AUTH_FAILURES", "1000"}};
  {
    auto env = limits;
    env["TRUST_PROXY"] = "127.0.0.2";  // the proxy
    server_process server(env);
    CHECK(attempt(server.port(), "203.0.113.5", "127.0.0.2") == 401);
    CHECK(attempt(server.port(), "203.0.113.5", "127.0.0.2") == 401);
    CHECK(attempt(server.port(), "203.0.113.5", "127.0.0.2") == 429);   // that client's budget
    CHECK(attempt(server.port(), "198.51.100.7", "127.0.0.2") == 401);  // another client
    // Anyone else's X-Forwarded-For is a claim, not an address: 127.0.0.3 is not a proxy.
    CHECK(attempt(server.port(), "198.51.100.8", "127.0.0.3") == 401);
    CHECK(attempt(server.port(), "198.51.100.9", "127.0.0.3") == 401);
    CHECK(attempt(server.port(), "198.51.100.10", "127.0.0.3") == 429);
  }
  server_process server(limits);  // no TRUST_PROXY: the header changes nothing
  CHECK(attempt(server.port(), "203.0.113.1", "127.0.0.2") == 401);
  CHECK(attempt(server.port(), "203.0.113.2", "127.0.0.2") == 401);
  CHECK(attempt(server.port(), "203.0.113.3", "127.0.0.2") == 429);
}

TEST_CASE("an address that keeps failing credentials is refused before they are checked",
          "[limits][security]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"RATE_LIMIT_AUTH_FAILURES", "5"}});
  auto internal_from = [&](const std::string& secret, const std::string& from) {
    return http_request(server.port(), "GET", "/internal/apps", {},
                        {{"Authorization", "Bearer " + secret}}, 10s, from);
  };
  for (int i = 0; i < 5; ++i) CHECK(internal_from("wrong-secret", "127.0.0.2").status == 401);
  auto refused = internal_from(kInternalSecret, "127.0.0.2");  // even the right one, now
  CHECK(refused.status == 429);
  CHECK(refused.json().at("code") == "too_many_requests");
  CHECK(std::stoi(refused.header("retry-after")) >= 1);
  // Every kind of credential draws from the same budget of that address.
  CHECK(http_request(server.port(), "GET", "/api/v1/auth/me", {},
                     {{"Authorization", "Bearer not-a-token"}}, 10s, "127.0.0.2")
            .status == 429);
  // Other addresses are not affected.
  CHECK(internal_from(kInternalSecret, "127.0.0.3").status == 200);
}

TEST_CASE("a flood of logins meets a bounded hashing queue: 503 with Retry-After",
          "[limits][security]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"RATE_LIMIT_ENABLED", "false"},
                         {"PASSWORD_HASH_THREADS", "1"},
                         {"PASSWORD_HASH_MAX_QUEUE", "2"}});
  std::vector<std::future<http_reply>> flood;
  for (int i = 0; i < 40; ++i) {
    flood.push_back(std::async(std::launch::async, [&, i] {
      return call(server.port(), "POST", "/api/v1/auth/login", {},
                  json::object{{"email", "flood" + std::to_string(i) + "@test.local"},
                               {"password", "guess-guess-guess"}});
    }));
  }
  int busy = 0, refused = 0;
  for (auto& f : flood) {
    auto r = f.get();
    if (r.status == 503) {
      ++busy;
      CHECK(r.json().at("code") == "overloaded");
      CHECK(r.header("retry-after") == "1");
    } else {
      CHECK(r.status == 401);
      ++refused;
    }
  }
  CHECK(busy > 0);
  CHECK(refused >= 2);
  // Once the flood is answered, a real login goes through.
  CHECK(login(server.port(), kAdminEmail, kAdminPassword).size() > 20);
}

TEST_CASE("login attempts are limited per account and address", "[limits]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"RATE_LIMIT_LOGIN", "3"}});
  auto attempt = [&](const std::string& email) {
    return call(server.port(), "POST", "/api/v1/auth/login", {},
                json::object{{"email", email}, {"password", "guess-guess-guess"}})
        .status;
  };
  for (int i = 0; i < 3; ++i) CHECK(attempt(kAdminEmail) == 401);
  CHECK(attempt(kAdminEmail) == 429);
  CHECK(attempt("someone.else@test.local") == 401);  // another account has its own budget
}

TEST_CASE("WebSocket messages are limited per connection", "[limits]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"RATE_LIMIT_WS_MESSAGES", "3"}});
  ws_client client(server.port(), authed(server));
  for (int i = 0; i < 3; ++i) {
    client.send_text(R"({"type":"ping","id":)" + std::to_string(i) + "}");
    CHECK(client.read_json().at("type") == "pong");
  }
  client.send_text(R"({"type":"ping","id":"over"})");
  auto refused = client.read_json().as_object();
  CHECK(refused.at("type") == "error");
  CHECK(refused.at("id") == "over");
  CHECK(refused.at("code") == "too_many_requests");
}

TEST_CASE("password reset goes out over SMTP and works once", "[mail]") {
  smtp_sink smtp;
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"SMTP_HOST", "127.0.0.1"},
                         {"SMTP_PORT", std::to_string(smtp.port())},
                         {"SMTP_FROM", "switchboard@test.local"},
                         {"WEB_BASE_URL", "https://app.test"}});
  auto known = call(server.port(), "POST", "/api/v1/auth/forgot-password", {},
                    json::object{{"email", kAdminEmail}});
  auto unknown = call(server.port(), "POST", "/api/v1/auth/forgot-password", {},
                      json::object{{"email", "nobody@test.local"}});
  CHECK(known.status == 200);
  CHECK(known.body == unknown.body);  // nothing tells whether the address exists

  auto mail = smtp.wait_for("To: " + std::string(kAdminEmail));
  REQUIRE(mail);
  CHECK(mail->find("From: switchboard@test.local") != std::string::npos);
  CHECK(mail->find("Subject: Reset your Switchboard password") != std::string::npos);
  CHECK(mail->find("https://app.test/reset-password?token=") != std::string::npos);
  auto token = token_in(*mail);

  auto weak = call(server.port(), "POST", "/api/v1/auth/reset-password", {},
                   json::object{{"token", token}, {"password", "qwerty123456"}});
  CHECK(weak.status == 400);
  CHECK(weak.json().at("errors").at(0).at("field") == "password");
  auto reset = call(server.port(), "POST", "/api/v1/auth/reset-password", {},
                    json::object{{"token", token}, {"password", "brand-new-passphrase-7"}});
  CHECK(reset.status == 200);
  auto reuse = call(server.port(), "POST", "/api/v1/auth/reset-password", {},
                    json::object{{"token", token}, {"password", "another-new-passphrase"}});
  CHECK(reuse.status == 400);
  CHECK(reuse.json().at("detail") == "token: is invalid, used or expired");
  CHECK(login(server.port(), kAdminEmail, "brand-new-passphrase-7").size() > 20);
  CHECK(smtp.messages().size() == 1);  // nothing was sent for the unknown address
}

TEST_CASE("invites are mailed, joined once, and land in the inviter's tenant", "[mail]") {
  smtp_sink smtp;
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"SMTP_HOST", "127.0.0.1"},
                         {"SMTP_PORT", std::to_string(smtp.port())}});
  auto admin = admin_token(server);
  auto created = call(server.port(), "POST", "/api/v1/invites", admin,
                      json::object{{"email", "new@test.local"}, {"role", "dispatcher"}});
  REQUIRE(created.status == 201);
  auto mail = smtp.wait_for("To: new@test.local");
  REQUIRE(mail);
  auto token = token_in(*mail);
  CHECK(std::string(data_of(created).at("token").as_string()) == token);

  auto wrong_address = call(server.port(), "POST", "/api/v1/invites/accept", {},
                            json::object{{"token", token},
                                         {"email", "other@test.local"},
                                         {"password", "joining-passphrase-1"},
                                         {"firstName", "N"},
                                         {"lastName", "U"}});
  CHECK(wrong_address.status == 400);
  auto joined = call(server.port(), "POST", "/api/v1/invites/accept", {},
                     json::object{{"token", token},
                                  {"email", "new@test.local"},
                                  {"password", "joining-passphrase-1"},
                                  {"firstName", "N"},
                                  {"lastName", "U"}});
  REQUIRE(joined.status == 201);
  auto user = data_of(joined).at("user").as_object();
  CHECK(user.at("role") == "dispatcher");
  auto me = data_of(call(server.port(), "GET", "/api/v1/auth/me", admin));
  CHECK(user.at("tenantId") == me.at("tenantId"));
  auto again = call(server.port(), "POST", "/api/v1/invites/accept", {},
                    json::object{{"token", token},
                                 {"email", "new@test.local"},
                                 {"password", "joining-passphrase-1"},
                                 {"firstName", "N"},
                                 {"lastName", "U"}});
  CHECK(again.status == 400);  // max uses 1
}

TEST_CASE("no password, token, key or secret reaches the log at any level", "[mail][limits]") {
  smtp_sink smtp;
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"LOG_LEVEL", "trace"},
                         {"SMTP_HOST", "127.0.0.1"},
                         {"SMTP_PORT", std::to_string(smtp.port())}});
  std::vector<std::string> secrets{kAdminPassword, kInternalSecret,
                                   test_identity_env().at("JWT_SECRET")};
  auto login_r = data_of(call(server.port(), "POST", "/api/v1/auth/login", {},
                              json::object{{"email", kAdminEmail}, {"password", kAdminPassword}}));
  std::string access(login_r.at("accessToken").as_string());
  std::string refresh(login_r.at("refreshToken").as_string());
  secrets.push_back(access);
  secrets.push_back(refresh);
  auto rotated = data_of(call(server.port(), "POST", "/api/v1/auth/refresh", {},
                              json::object{{"refreshToken", refresh}}));
  secrets.emplace_back(rotated.at("refreshToken").as_string());
  call(server.port(), "POST", "/api/v1/auth/login", {},
       json::object{{"email", kAdminEmail}, {"password", "a-wrong-password-xyz"}});
  secrets.push_back("a-wrong-password-xyz");
  auto app = internal(server.port(), "POST", "/internal/apps", json::object{{"name", "A"}});
  std::string app_id(app.json().at("app_id").as_string());
  auto key_reply = internal(server.port(), "POST", "/internal/apps/" + app_id + "/api-key");
  std::string key(key_reply.json().at("api_key").as_string());
  secrets.push_back(key);
  internal(server.port(), "PATCH", "/internal/apps/" + app_id,
           json::object{{"webhook_secret", "whsec-very-secret-value"}});
  secrets.push_back("whsec-very-secret-value");
  ws_client ws(server.port(), ws_client::options{"/ws?api_key=" + key, {}, true, 0});
  call(server.port(), "POST", "/api/v1/auth/forgot-password", {},
       json::object{{"email", kAdminEmail}});
  auto mail = smtp.wait_for("reset-password?token=");
  REQUIRE(mail);
  std::smatch m;
  REQUIRE(std::regex_search(*mail, m, std::regex(R"(token=([A-Za-z0-9_-]+))")));
  secrets.push_back(m[1]);
  call(server.port(), "POST", "/api/v1/auth/reset-password", {},
       json::object{{"token", std::string(m[1])}, {"password", "the-next-passphrase-9"}});
  secrets.push_back("the-next-passphrase-9");
  auto fresh =
      login(server.port(), kAdminEmail, "the-next-passphrase-9");  // reset revoked `access`
  secrets.push_back(fresh);
  auto invite =
      call(server.port(), "POST", "/api/v1/invites", fresh, json::object{{"role", "user"}});
  secrets.emplace_back(data_of(invite).at("token").as_string());

  server.stop(SIGTERM);
  auto log = server.log();
  // The log did capture detail: the access log and the WebSocket session.
  CHECK(log.find("POST /api/v1/auth/login 200") != std::string::npos);
  CHECK(log.find("GET /ws") != std::string::npos);
  CHECK(log.find("opened by app:" + app_id) != std::string::npos);
  for (const auto& s : secrets) {
    INFO("secret " << s.substr(0, 6) << "…");
    CHECK(log.find(s) == std::string::npos);
  }
}

TEST_CASE("an operator sets SMTP through /api/admin/settings; the password is sealed, never shown",
          "[mail]") {
  smtp_sink smtp;
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});  // no SMTP_* at all
  auto admin = admin_token(server);
  // A reset asked before there is a server waits in the outbox.
  REQUIRE(call(server.port(), "POST", "/api/v1/auth/forgot-password", {},
               json::object{{"email", kAdminEmail}})
              .status == 200);
  auto empty = call(server.port(), "GET", "/api/admin/settings", admin);
  REQUIRE(empty.status == 200);
  CHECK(empty.json().at("smtpHost").is_null());
  CHECK(empty.json().at("smtpPassSet") == false);

  auto bad = call(server.port(), "PATCH", "/api/admin/settings", admin,
                  json::object{{"smtpPort", 70000}, {"smtpFrom", "not an address"}, {"x", 1}});
  CHECK(bad.status == 400);
  CHECK(bad.json().at("errors").as_array().size() == 3);
  auto set = call(server.port(), "PATCH", "/api/admin/settings", admin,
                  json::object{{"smtpHost", "127.0.0.1"},
                               {"smtpPort", smtp.port()},
                               {"smtpFrom", "dispatch@test.local"}});
  REQUIRE(set.status == 200);
  CHECK(set.json().at("smtpHost") == "127.0.0.1");
  CHECK(set.json().at("smtpPort") == smtp.port());
  // The waiting mail goes out through the stored server, from the stored address.
  auto mail = smtp.wait_for("To: " + std::string(kAdminEmail));
  REQUIRE(mail);
  CHECK(mail->find("From: dispatch@test.local") != std::string::npos);

  auto with_login = call(server.port(), "PATCH", "/api/admin/settings", admin,
                         json::object{{"smtpUser", "mailer"}, {"smtpPass", "smtp-secret-42"}});
  REQUIRE(with_login.status == 200);
  CHECK(with_login.json().at("smtpPassSet") == true);
  CHECK(with_login.json().at("smtpUser") == "mailer");
  CHECK(with_login.body.find("smtp-secret-42") == std::string::npos);
  CHECK(call(server.port(), "GET", "/api/admin/settings", admin).body.find("smtp-secret-42") ==
        std::string::npos);
  std::string stored;
  *db.connect() << "SELECT value FROM node_settings WHERE name = 'smtp.password'",
      soci::into(stored);
  CHECK_FALSE(stored.empty());
  CHECK(stored.find("smtp-secret-42") == std::string::npos);  // sealed at rest

  // Clearing a setting gives the node's own back; a tenant administrator may not touch them.
  auto cleared = call(server.port(), "PATCH", "/api/admin/settings", admin,
                      json::object{{"smtpPass", nullptr}, {"smtpUser", ""}});
  REQUIRE(cleared.status == 200);
  CHECK(cleared.json().at("smtpPassSet") == false);
  CHECK(cleared.json().at("smtpUser").is_null());
  CHECK(cleared.json().at("smtpHost") == "127.0.0.1");
  REQUIRE(call(server.port(), "POST", "/api/v1/users", admin,
               json::object{{"email", "boss@test.local"},
                            {"firstName", "Tenant"},
                            {"lastName", "Admin"},
                            {"role", "admin"},
                            {"password", "the boss's long passphrase"}})
              .status == 201);
  auto tenant_admin = login(server.port(), "boss@test.local", "the boss's long passphrase");
  CHECK(call(server.port(), "GET", "/api/admin/settings", tenant_admin).status == 403);
  CHECK(call(server.port(), "PATCH", "/api/admin/settings", tenant_admin,
             json::object{{"smtpHost", "evil.example"}})
            .status == 403);
}
