#include <catch2/catch.hpp>

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

constexpr const char* kPassword = "a-long-enough-passphrase";

json::object person(const std::string& email, const std::string& role) {
  return json::object{{"email", email},
                      {"firstName", "First"},
                      {"lastName", "Last"},
                      {"role", role},
                      {"password", kPassword}};
}

std::string token_in(const std::string& mail) {
  std::smatch m;
  REQUIRE(std::regex_search(mail, m, std::regex(R"(token=([A-Za-z0-9_-]+))")));
  return m[1];
}

/// A server whose mail reaches `smtp`.
env_map mail_env(const test_database& db, const smtp_sink& smtp) {
  return {{"DATABASE_URL", db.url()},
          {"SMTP_HOST", "127.0.0.1"},
          {"SMTP_PORT", std::to_string(smtp.port())},
          {"WEB_BASE_URL", "https://app.test"}};
}

/// A node whose mail reaches `smtp`, its port and its operator's token.
struct mail_node {
  smtp_sink smtp;
  test_database db;  // before the server: outlives it
  server_process server{mail_env(db, smtp)};
  uint16_t port = server.port();
  std::string op = admin_token(server);
};

std::string id_of_me(uint16_t port, const std::string& token) {
  return std::string(data_of(call(port, "GET", "/api/v1/auth/me", token)).at("id").as_string());
}

}  // namespace

// The probe's escalation: an admin of the tenant that holds the operator account changed the
// operator's address, had the reset link mailed there, and logged in as operator.
TEST_CASE("a tenant admin cannot take over the operator of its tenant", "[users][security]") {
  mail_node node;
  auto& [smtp, db, server, port, op] = node;
  auto op_id = id_of_me(port, op);
  create_user(port, op, person("mallory@test.local", "admin"));
  auto mallory = login(port, "mallory@test.local", kPassword);

  auto hijack = call(port, "PUT", "/api/v1/users/" + op_id, mallory,
                     json::object{{"email", "mallory@evil.test"}});
  CHECK(hijack.status == 403);
  CHECK(hijack.json().at("code") == "forbidden");
  CHECK(
      call(port, "PUT", "/api/v1/users/" + op_id, mallory, json::object{{"role", "user"}}).status ==
      403);
  CHECK(call(port, "PATCH", "/api/v1/users/" + op_id + "/status", mallory,
             json::object{{"status", "suspended"}})
            .status == 403);
  CHECK(call(port, "DELETE", "/api/v1/users/" + op_id, mallory).status == 403);

  // The reset goes nowhere but the operator's own address, and the operator is untouched.
  call(port, "POST", "/api/v1/auth/forgot-password", {},
       json::object{{"email", "mallory@evil.test"}});
  auto me = data_of(call(port, "GET", "/api/v1/auth/me", op));
  CHECK(me.at("email") == kAdminEmail);
  CHECK(me.at("status") == "active");
  CHECK(me.at("superadmin") == true);
  for (const auto& mail : smtp.messages())
    CHECK(mail.find("mallory@evil.test") == std::string::npos);

  // Equal or lower privilege stays manageable.
  auto peer = create_user(port, op, person("peer@test.local", "admin"));
  auto staff = create_user(port, op, person("staff@test.local", "manager"));
  CHECK(call(port, "PUT", "/api/v1/users/" + peer, mallory, json::object{{"displayName", "P"}})
            .status == 200);
  CHECK(call(port, "PATCH", "/api/v1/users/" + staff + "/status", mallory,
             json::object{{"status", "suspended"}})
            .status == 200);
  // Nobody hands out a role above their own.
  CHECK(call(port, "POST", "/api/v1/users", mallory,
             json::object{{"email", "op2@test.local"},
                          {"firstName", "A"},
                          {"lastName", "B"},
                          {"role", "admin"},
                          {"superadmin", true}})
            .status == 400);
}

TEST_CASE("a new address takes effect only once confirmed through it, and ends every login",
          "[users][security][mail]") {
  mail_node node;
  auto& [smtp, db, server, port, op] = node;
  auto alice_id = create_user(port, op, person("alice@test.local", "user"));
  auto alice = login(port, "alice@test.local", kPassword);
  auto refresh = call(port, "POST", "/api/v1/auth/login", {},
                      json::object{{"email", "alice@test.local"}, {"password", kPassword}});
  std::string refresh_token(data_of(refresh).at("refreshToken").as_string());
  ws_client live(port, ws_client::options{"/ws", bearer(alice)});

  auto asked = call(port, "PUT", "/api/v1/users/" + alice_id, op,
                    json::object{{"email", "alice@new.test"}, {"displayName", "Alice"}});
  REQUIRE(asked.status == 200);
  CHECK(data_of(asked).at("email") == "alice@test.local");  // not yet
  CHECK(data_of(asked).at("pendingEmail") == "alice@new.test");
  CHECK(data_of(asked).at("displayName") == "Alice");  // the rest applies at once
  CHECK(call(port, "GET", "/api/v1/auth/me", alice).status == 200);

  auto confirm_mail = smtp.wait_for("To: alice@new.test");
  REQUIRE(confirm_mail);
  CHECK(confirm_mail->find("https://app.test/confirm-email?token=") != std::string::npos);
  auto notice = smtp.wait_for("To: alice@test.local");
  REQUIRE(notice);
  CHECK(notice->find("alice@new.test") != std::string::npos);
  CHECK(notice->find("token=") == std::string::npos);  // the old address cannot confirm

  auto bad = call(port, "POST", "/api/v1/auth/confirm-email", {}, json::object{{"token", "nope"}});
  CHECK(bad.status == 400);
  auto token = token_in(*confirm_mail);
  auto ok = call(port, "POST", "/api/v1/auth/confirm-email", {}, json::object{{"token", token}});
  REQUIRE(ok.status == 200);
  CHECK(ok.json().at("data").at("email") == "alice@new.test");
  CHECK(
      call(port, "POST", "/api/v1/auth/confirm-email", {}, json::object{{"token", token}}).status ==
      400);  // once

  // Every login of the account ended: access token, refresh token and live connection.
  CHECK(call(port, "GET", "/api/v1/auth/me", alice).status == 401);
  CHECK(
      call(port, "POST", "/api/v1/auth/refresh", {}, json::object{{"refreshToken", refresh_token}})
          .status == 401);
  CHECK(live.wait_closed(5s) == 4401);
  auto again = login(port, "alice@new.test", kPassword);
  CHECK(data_of(call(port, "GET", "/api/v1/auth/me", again)).at("email") == "alice@new.test");
  CHECK(call(port, "POST", "/api/v1/auth/login", {},
             json::object{{"email", "alice@test.local"}, {"password", kPassword}})
            .status == 401);
}

TEST_CASE("a password reset ends the refresh tokens of the account", "[users][security][mail]") {
  mail_node node;
  auto& [smtp, db, server, port, op] = node;
  create_user(port, op, person("bob@test.local", "user"));
  auto stolen = call(port, "POST", "/api/v1/auth/login", {},
                     json::object{{"email", "bob@test.local"}, {"password", kPassword}});
  std::string refresh_token(data_of(stolen).at("refreshToken").as_string());
  call(port, "POST", "/api/v1/auth/forgot-password", {}, json::object{{"email", "bob@test.local"}});
  auto mail = smtp.wait_for("To: bob@test.local");
  REQUIRE(mail);
  REQUIRE(call(port, "POST", "/api/v1/auth/reset-password", {},
               json::object{{"token", token_in(*mail)}, {"password", "a-fresh-passphrase-42"}})
              .status == 200);
  CHECK(
      call(port, "POST", "/api/v1/auth/refresh", {}, json::object{{"refreshToken", refresh_token}})
          .status == 401);
}
