#include <catch2/catch.hpp>

#include <thread>

#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

json::object login_body(const std::string& email, const std::string& password) {
  return {{"email", email}, {"password", password}};
}

}  // namespace

TEST_CASE("login returns tokens and the user; bad credentials look alike", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto ok = call(server.port(), "POST", "/api/v1/auth/login", {},
                 login_body(kAdminEmail, kAdminPassword));
  REQUIRE(ok.status == 200);
  auto data = data_of(ok);
  CHECK(data.at("tokenType") == "Bearer");
  CHECK(data.at("expiresIn") == 900);
  CHECK(data.at("accessToken").as_string().size() > 40);
  CHECK(data.at("refreshToken").as_string().size() >= 43);
  CHECK(data.at("user").at("email") == kAdminEmail);
  CHECK(data.at("user").at("role") == "customer_admin");
  CHECK_FALSE(data.at("user").as_object().contains("passwordHash"));

  auto wrong = call(server.port(), "POST", "/api/v1/auth/login", {},
                    login_body(kAdminEmail, "not-the-password-at-all"));
  auto unknown = call(server.port(), "POST", "/api/v1/auth/login", {},
                      login_body("nobody@test.local", "not-the-password-at-all"));
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.json().at("detail") == unknown.json().at("detail"));
  CHECK(wrong.json().at("code") == "unauthorized");
}

TEST_CASE("login input is validated field by field", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto missing =
      call(server.port(), "POST", "/api/v1/auth/login", {}, json::object{{"password", "x"}});
  CHECK(missing.status == 400);
  CHECK(missing.json().at("code") == "bad_request");
  CHECK(missing.json().at("detail") == "email: is required");
  CHECK(missing.json().at("errors").at(0).at("field") == "email");

  auto bad_email = call(server.port(), "POST", "/api/v1/auth/login", {},
                        json::object{{"email", "not-an-email"}, {"password", "x"}});
  CHECK(bad_email.json().at("detail") == "email: must be a valid email address");
  auto wrong_type = call(server.port(), "POST", "/api/v1/auth/login", {},
                         json::object{{"email", 5}, {"password", "x"}});
  CHECK(wrong_type.json().at("detail") == "email: must be a string");
  auto unknown = call(server.port(), "POST", "/api/v1/auth/login", {},
                      json::object{{"email", "a@b.co"}, {"password", "x"}, {"admin", true}});
  CHECK(unknown.json().at("detail") == "admin: is not a known field");
  auto garbage = http_request(server.port(), "POST", "/api/v1/auth/login", "{nope",
                              {{"Content-Type", "application/json"}});
  CHECK(garbage.status == 400);
  CHECK(garbage.json().at("code") == "bad_json");
}

TEST_CASE("protected routes need a valid, current token", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto none = call(server.port(), "GET", "/api/v1/auth/me");
  CHECK(none.status == 401);
  CHECK(none.header("www-authenticate") == "Bearer");
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", "garbage").status == 401);
  // Signed with another secret: a forgery.
  test_database other_db;
  server_process other(
      {{"DATABASE_URL", other_db.url()}, {"JWT_SECRET", "another-secret-another-secret-xx"}});
  auto foreign = admin_token(other);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", foreign).status == 401);
  auto me = call(server.port(), "GET", "/api/v1/auth/me", admin_token(server));
  CHECK(me.status == 200);
  CHECK(data_of(me).at("email") == kAdminEmail);
}

TEST_CASE("refresh tokens rotate, and a replayed one revokes its whole family", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto login = data_of(call(server.port(), "POST", "/api/v1/auth/login", {},
                            login_body(kAdminEmail, kAdminPassword)));
  std::string first(login.at("refreshToken").as_string());
  auto rotated = call(server.port(), "POST", "/api/v1/auth/refresh", {},
                      json::object{{"refreshToken", first}});
  REQUIRE(rotated.status == 200);
  std::string second(data_of(rotated).at("refreshToken").as_string());
  CHECK(second != first);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me",
             std::string(data_of(rotated).at("accessToken").as_string()))
            .status == 200);

  // The first token again: someone kept a copy. Both it and its successor stop working.
  auto replay = call(server.port(), "POST", "/api/v1/auth/refresh", {},
                     json::object{{"refreshToken", first}});
  CHECK(replay.status == 401);
  CHECK(replay.json().at("detail") ==
        "refresh token already used: every session of that login was revoked");
  CHECK(call(server.port(), "POST", "/api/v1/auth/refresh", {},
             json::object{{"refreshToken", second}})
            .status == 401);
}

TEST_CASE("logout revokes the refresh token", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto login = data_of(call(server.port(), "POST", "/api/v1/auth/login", {},
                            login_body(kAdminEmail, kAdminPassword)));
  std::string refresh(login.at("refreshToken").as_string());
  CHECK(call(server.port(), "POST", "/api/v1/auth/logout", {},
             json::object{{"refreshToken", refresh}})
            .status == 200);
  CHECK(call(server.port(), "POST", "/api/v1/auth/refresh", {},
             json::object{{"refreshToken", refresh}})
            .status == 401);
}

TEST_CASE("browsers can hold the session in HttpOnly cookies", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto r =
      http_request(server.port(), "POST", "/api/v1/auth/login",
                   json::serialize(json::object{
                       {"email", kAdminEmail}, {"password", kAdminPassword}, {"cookie", true}}),
                   {{"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  CHECK_FALSE(data_of(r).contains("accessToken"));
  // The client keeps only the last Set-Cookie per name in this map: read the raw response.
  auto raw = raw_exchange(
      server.port(),
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
          std::to_string(json::serialize(json::object{{"email", kAdminEmail},
                                                      {"password", kAdminPassword},
                                                      {"cookie", true}})
                             .size()) +
          "\r\n\r\n" +
          json::serialize(json::object{
              {"email", kAdminEmail}, {"password", kAdminPassword}, {"cookie", true}}));
  auto access_at = raw.find("Set-Cookie: sb_access=");
  auto refresh_at = raw.find("Set-Cookie: sb_refresh=");
  REQUIRE(access_at != std::string::npos);
  REQUIRE(refresh_at != std::string::npos);
  auto access_line = raw.substr(access_at, raw.find("\r\n", access_at) - access_at);
  CHECK(access_line.find("HttpOnly") != std::string::npos);
  CHECK(access_line.find("SameSite=Lax") != std::string::npos);
  CHECK(access_line.find("Path=/;") != std::string::npos);
  auto token = access_line.substr(22, access_line.find(';') - 22);
  auto me = http_request(server.port(), "GET", "/api/v1/auth/me", {},
                         {{"Cookie", "theme=dark; sb_access=" + token}});
  CHECK(me.status == 200);
  CHECK(access_line.find("Secure") == std::string::npos);  // plain HTTP, development
}

TEST_CASE("a trusted proxy's X-Forwarded-Proto: https makes the cookies Secure", "[auth]") {
  test_database db;
  auto cookie_line = [](uint16_t port, const std::string& proto) {
    auto body = json::serialize(
        json::object{{"email", kAdminEmail}, {"password", kAdminPassword}, {"cookie", true}});
    auto raw = raw_exchange(port,
                            "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            "X-Forwarded-Proto: " +
                                proto + "\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body);
    auto at = raw.find("Set-Cookie: sb_access=");
    return at == std::string::npos ? std::string() : raw.substr(at, raw.find("\r\n", at) - at);
  };
  {
    server_process proxied({{"DATABASE_URL", db.url()}, {"TRUST_PROXY", "127.0.0.1"}});
    CHECK(cookie_line(proxied.port(), "https").find("; Secure") != std::string::npos);
    CHECK(cookie_line(proxied.port(), "http").find("; Secure") == std::string::npos);
  }
  server_process direct({{"DATABASE_URL", db.url()}});  // nobody's header is believed
  CHECK(cookie_line(direct.port(), "https").find("; Secure") == std::string::npos);
}

TEST_CASE("changing the password ends every other session", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto old_token = admin_token(server);
  ws_client::options opts;
  opts.headers = bearer(old_token);
  ws_client session(server.port(), opts);

  auto weak =
      call(server.port(), "POST", "/api/v1/auth/change-password", old_token,
           json::object{{"currentPassword", kAdminPassword}, {"newPassword", "password1234"}});
  CHECK(weak.status == 400);
  CHECK(weak.json().at("detail") == "newPassword: is too common; choose a less guessable password");
  auto wrong = call(server.port(), "POST", "/api/v1/auth/change-password", old_token,
                    json::object{{"currentPassword", "definitely-wrong-1"},
                                 {"newPassword", "a-much-better-passphrase"}});
  CHECK(wrong.status == 400);
  CHECK(wrong.json().at("detail") == "currentPassword: is incorrect");

  auto changed = call(server.port(), "POST", "/api/v1/auth/change-password", old_token,
                      json::object{{"currentPassword", kAdminPassword},
                                   {"newPassword", "a-much-better-passphrase"}});
  REQUIRE(changed.status == 200);
  auto fresh = std::string(data_of(changed).at("accessToken").as_string());
  CHECK(session.wait_closed(2s) == 4401);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", old_token).status == 401);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", fresh).status == 200);
  CHECK(
      call(server.port(), "POST", "/api/v1/auth/login", {}, login_body(kAdminEmail, kAdminPassword))
          .status == 401);
  CHECK(call(server.port(), "POST", "/api/v1/auth/login", {},
             login_body(kAdminEmail, "a-much-better-passphrase"))
            .status == 200);
}

TEST_CASE("a suspended user is disconnected at once and cannot come back", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto admin = admin_token(server);
  auto id = create_user(server.port(), admin,
                        {{"email", "ann@test.local"},
                         {"firstName", "Ann"},
                         {"lastName", "Lee"},
                         {"role", "user"},
                         {"password", "anns-long-passphrase"}});
  auto ann = login(server.port(), "ann@test.local", "anns-long-passphrase");
  ws_client::options opts;
  opts.headers = bearer(ann);
  ws_client session(server.port(), opts);
  session.send_text(R"({"type":"ping","id":1})");
  REQUIRE(session.read() == R"({"type":"pong","id":1})");

  auto started = std::chrono::steady_clock::now();
  auto suspended = call(server.port(), "PATCH", "/api/v1/users/" + id + "/status", admin,
                        json::object{{"status", "suspended"}});
  REQUIRE(suspended.status == 200);
  CHECK(session.wait_closed(1s) == 4401);
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", ann).status == 401);
  auto again = call(server.port(), "POST", "/api/v1/auth/login", {},
                    login_body("ann@test.local", "anns-long-passphrase"));
  CHECK(again.status == 403);
  CHECK(again.json().at("detail") == "the account is suspended");
  ws_client::options retry;
  retry.headers = bearer(ann);
  CHECK_THROWS(ws_client(server.port(), retry));
}

TEST_CASE("WebSockets authenticate before anything else", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto refused = raw_exchange(server.port(),
                              "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  CHECK(refused.starts_with("HTTP/1.1 401 "));
  auto token = admin_token(server);
  ws_client::options query;
  query.target = "/ws?access_token=" + token;
  ws_client by_query(server.port(), query);
  by_query.send_text(R"({"type":"ping"})");
  CHECK(by_query.read() == R"({"type":"pong"})");
  // Browsers: the token as the first subprotocol, which the server must echo.
  auto raw = raw_exchange(server.port(),
                          "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Protocol: " +
                              token + ", switchboard\r\n\r\n",
                          500ms);
  CHECK(raw.starts_with("HTTP/1.1 101 "));
  CHECK(raw.find("Sec-WebSocket-Protocol: " + token + "\r\n") != std::string::npos);
}

TEST_CASE("production refuses short secrets", "[auth]") {
  auto r = run_switchboard({}, {{"NODE_ENV", "production"},
                                {"JWT_SECRET", "short"},
                                {"INTERNAL_API_SECRET", std::string(40, 'x')}});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("auth.jwt_secret (JWT_SECRET): production needs at least 32 characters") !=
        std::string::npos);
  auto internal =
      run_switchboard({}, {{"NODE_ENV", "production"}, {"JWT_SECRET", std::string(40, 'x')}});
  CHECK(internal.exit_code == 2);
  CHECK(internal.output.find("auth.internal_api_secret (INTERNAL_API_SECRET)") !=
        std::string::npos);
}
