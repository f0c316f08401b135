#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;
namespace json = boost::json;

namespace {

/// What a browser keeps of an answer: its status, body and the session cookies it set.
struct browser_reply {
  int status = 0;
  json::value body;
  std::string access;  ///< sb_access's value when set ("" when cleared or absent)
  bool access_set = false;
};

/// One request as the dispatch console's browser sends it: JSON body, the session cookie.
browser_reply browse(uint16_t port, const std::string& method, const std::string& path,
                     const std::string& access_cookie = {}, const json::object* body = nullptr) {
  std::string payload = body ? json::serialize(*body) : "";
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  if (!access_cookie.empty()) request += "Cookie: sb_access=" + access_cookie + "\r\n";
  if (body) request += "Content-Type: application/json\r\n";
  request += "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n" + payload;
  auto raw = raw_exchange(port, request);
  browser_reply r;
  r.status = std::stoi(raw.substr(9, 3));
  auto at = raw.find("Set-Cookie: sb_access=");
  if (at != std::string::npos) {
    r.access_set = true;
    at += 22;
    r.access = raw.substr(at, raw.find(';', at) - at);
  }
  auto start = raw.find("\r\n\r\n");
  if (start != std::string::npos && start + 4 < raw.size())
    r.body = json::parse(raw.substr(start + 4));
  return r;
}

}  // namespace

TEST_CASE("the dispatch console signs in, sets up its profile, lists channels, gets a router token",
          "[auth][ptt]") {
  test_database db;
  server_process server(
      {{"DATABASE_URL", db.url()}, {"BOOTSTRAP_ADMIN_MUST_CHANGE_PASSWORD", "true"}});
  auto port = server.port();
  json::object credentials{{"email", kAdminEmail}, {"password", kAdminPassword}};
  auto login = browse(port, "POST", "/api/auth/login", {}, &credentials);
  REQUIRE(login.status == 200);
  REQUIRE(login.access_set);
  auto user = login.body.as_object();
  CHECK(user.at("email") == kAdminEmail);
  CHECK(user.at("globalRole") == "ADMIN");
  CHECK(user.at("mustChangePassword") == true);
  CHECK(user.at("displayName").is_string());
  CHECK(user.size() == 5);  // {id,email,displayName,globalRole,mustChangePassword}
  CHECK_FALSE(user.contains("accessToken"));

  // Until the password is changed: 412 everywhere but the profile routes.
  auto blocked = browse(port, "GET", "/api/events", login.access);
  CHECK(blocked.status == 412);
  CHECK(blocked.body.at("code") == "profile_setup_required");
  CHECK(blocked.body.at("error").as_string().find("Profile setup required") == 0);
  CHECK(browse(port, "GET", "/api/v1/users", login.access).status == 412);
  CHECK(browse(port, "GET", "/api/auth/me", login.access).body.at("mustChangePassword") == true);

  json::object weak{{"displayName", "Dispatch"}, {"password", "password"}};
  CHECK(browse(port, "POST", "/api/auth/first-run", login.access, &weak).status == 400);
  json::object setup{{"displayName", "Night dispatch"}, {"password", "a new long passphrase"}};
  auto first = browse(port, "POST", "/api/auth/first-run", login.access, &setup);
  REQUIRE(first.status == 200);
  CHECK(first.body.at("displayName") == "Night dispatch");
  CHECK(first.body.at("mustChangePassword") == false);
  REQUIRE(first.access_set);
  auto session = first.access;
  CHECK(browse(port, "GET", "/api/events", login.access).status == 401);  // the old session ended
  CHECK(browse(port, "POST", "/api/auth/first-run", session, &setup).body.at("error") ==
        "Profile already complete");

  // The console's next steps, on the cookie session.
  json::object event{{"name", "Storm"}};
  auto created = browse(port, "POST", "/api/events", session, &event);
  REQUIRE(created.status == 201);
  auto event_id = std::string(created.body.at("id").as_string());
  json::object channel{{"name", "Ops"}};
  REQUIRE(browse(port, "POST", "/api/events/" + event_id + "/channels", session, &channel).status ==
          201);
  auto channels = browse(port, "GET", "/api/events/" + event_id + "/channels", session);
  REQUIRE(channels.status == 200);
  CHECK(channels.body.as_array().size() == 1);
  json::object for_event{{"eventId", event_id}};
  auto token = browse(port, "POST", "/api/router/token", session, &for_event);
  REQUIRE(token.status == 200);
  CHECK(token.body.at("token").is_string());
  CHECK(token.body.at("channelNames").as_object().size() == 1);

  // Password change and logout in the seed's shapes; the session goes on in new cookies.
  json::object change{{"currentPassword", "a new long passphrase"},
                      {"newPassword", "yet another long passphrase"}};
  auto changed = browse(port, "POST", "/api/auth/change-password", session, &change);
  REQUIRE(changed.status == 200);
  CHECK(changed.body == json::value(json::object{{"ok", true}}));
  REQUIRE(changed.access_set);
  CHECK(browse(port, "GET", "/api/auth/me", changed.access).status == 200);
  auto out = browse(port, "POST", "/api/auth/logout", changed.access);  // no body, as the console
  CHECK(out.status == 200);
  CHECK(out.body == json::value(json::object{{"ok", true}}));
  CHECK(out.access_set);
  CHECK(out.access.empty());  // cleared

  json::object wrong{{"email", kAdminEmail}, {"password", kAdminPassword}};
  auto refused = browse(port, "POST", "/api/auth/login", {}, &wrong);
  CHECK(refused.status == 401);
  CHECK(refused.body.at("error").is_string());
  json::object missing{{"email", kAdminEmail}};
  CHECK(browse(port, "POST", "/api/auth/login", {}, &missing).status == 400);
  json::object forgot{{"email", "nobody@example.test"}};
  auto forgotten = browse(port, "POST", "/api/auth/forgot-password", {}, &forgot);
  CHECK(forgotten.status == 200);
  CHECK(forgotten.body == json::value(json::object{{"ok", true}}));
}

TEST_CASE("an access token of a user who must change the password is refused with 412 too",
          "[auth]") {
  test_database db;
  server_process server(
      {{"DATABASE_URL", db.url()}, {"BOOTSTRAP_ADMIN_MUST_CHANGE_PASSWORD", "true"}});
  auto token = admin_token(server);
  CHECK(http_request(server.port(), "GET", "/api/v1/users", {}, bearer(token)).status == 412);
  CHECK(http_request(server.port(), "GET", "/api/v1/auth/me", {}, bearer(token)).status == 200);
  auto body = json::serialize(json::object{{"currentPassword", kAdminPassword},
                                           {"newPassword", "a fresh long passphrase"}});
  auto changed =
      http_request(server.port(), "POST", "/api/v1/auth/change-password", body,
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  REQUIRE(changed.status == 200);
  auto fresh = std::string(changed.json().at("data").at("accessToken").as_string());
  CHECK(http_request(server.port(), "GET", "/api/v1/users", {}, bearer(fresh)).status == 200);
}

TEST_CASE("the console's administrator creates, lists, changes and disables users", "[auth]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto port = server.port();
  json::object credentials{{"email", kAdminEmail}, {"password", kAdminPassword}};
  auto admin = browse(port, "POST", "/api/auth/login", {}, &credentials).access;

  json::object new_user{{"email", "Rita@Dispatch.test"},
                        {"password", "a first long passphrase"},
                        {"displayName", "Rita"}};
  auto created = browse(port, "POST", "/api/admin/users", admin, &new_user);
  REQUIRE(created.status == 201);
  CHECK(created.body.at("email") == "rita@dispatch.test");
  CHECK(created.body.at("globalRole") == "USER");
  auto rita_id = std::string(created.body.at("id").as_string());
  CHECK(browse(port, "POST", "/api/admin/users", admin, &new_user).status == 409);

  auto found = browse(port, "GET", "/api/admin/users?q=rita", admin);
  REQUIRE(found.status == 200);
  REQUIRE(found.body.as_array().size() == 1);
  auto row = found.body.at(0).as_object();
  CHECK(row.at("mustChangePassword") == true);  // the seed's default for a created user
  CHECK(row.at("lastLoginAt").is_null());
  CHECK(row.at("disabledAt").is_null());
  CHECK(browse(port, "GET", "/api/admin/users", admin).body.as_array().size() == 2);

  // Rita signs in, must set up her profile first, then works.
  json::object rita_credentials{{"email", "rita@dispatch.test"},
                                {"password", "a first long passphrase"}};
  auto rita = browse(port, "POST", "/api/auth/login", {}, &rita_credentials);
  REQUIRE(rita.status == 200);
  CHECK(rita.body.at("mustChangePassword") == true);
  CHECK(browse(port, "GET", "/api/events", rita.access).status == 412);
  json::object setup{{"displayName", "Rita R."}, {"password", "rita's own long passphrase"}};
  auto ready = browse(port, "POST", "/api/auth/first-run", rita.access, &setup);
  REQUIRE(ready.status == 200);
  CHECK(browse(port, "GET", "/api/events", ready.access).status == 200);
  // Not an administrator: the admin routes are closed to her.
  CHECK(browse(port, "GET", "/api/admin/users", ready.access).status == 403);
  CHECK(browse(port, "GET", "/api/admin/status", ready.access).status == 403);

  json::object promote{{"globalRole", "ADMIN"}, {"displayName", "Rita (lead)"}};
  auto promoted = browse(port, "PATCH", "/api/admin/users/" + rita_id, admin, &promote);
  REQUIRE(promoted.status == 200);
  CHECK(promoted.body.at("globalRole") == "ADMIN");
  CHECK(promoted.body.at("displayName") == "Rita (lead)");
  CHECK(browse(port, "GET", "/api/events", ready.access).status == 401);  // a new role: new login

  json::object disable{{"disabled", true}};
  REQUIRE(browse(port, "PATCH", "/api/admin/users/" + rita_id, admin, &disable).status == 200);
  json::object rita_now{{"email", "rita@dispatch.test"},
                        {"password", "rita's own long passphrase"}};
  CHECK(browse(port, "POST", "/api/auth/login", {}, &rita_now).status == 403);
  CHECK(browse(port, "GET", "/api/admin/users?q=rita", admin)
            .body.at(0)
            .at("disabledAt")
            .is_string());
  json::object enable{{"disabled", false}, {"mustChangePassword", true}};
  REQUIRE(browse(port, "PATCH", "/api/admin/users/" + rita_id, admin, &enable).status == 200);
  auto again = browse(port, "POST", "/api/auth/login", {}, &rita_now);
  REQUIRE(again.status == 200);
  CHECK(again.body.at("mustChangePassword") == true);

  json::object self_disable{{"disabled", true}};
  auto me = browse(port, "GET", "/api/auth/me", admin).body.at("id").as_string();
  CHECK(browse(port, "PATCH", "/api/admin/users/" + std::string(me), admin, &self_disable).status ==
        400);
  CHECK(browse(port, "PATCH", "/api/admin/users/00000000-0000-4000-8000-000000000000", admin,
               &disable)
            .status == 404);
  auto status = browse(port, "GET", "/api/admin/status", admin);
  CHECK(status.status == 200);
  CHECK(status.body.at("ready") == true);
}
