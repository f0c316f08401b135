#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "config/ground/crypto.hpp"
#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

ws_client::options with_key(const std::string& key) {
  ws_client::options o;
  o.target = "/ws?api_key=" + key;
  return o;
}

bool key_accepted(uint16_t port, const std::string& key) {
  try {
    ws_client c(port, with_key(key));
    c.send_text(R"({"type":"ping","id":"k"})");
    return c.read(2s) == R"({"type":"pong","id":"k"})";
  } catch (const std::exception&) {
    return false;
  }
}

std::string new_app(uint16_t port, const std::string& name) {
  auto r = internal(port, "POST", "/internal/apps", json::object{{"name", name}});
  REQUIRE(r.status == 201);
  return std::string(r.json().at("app_id").as_string());
}

std::string new_key(uint16_t port, const std::string& app, json::value body = nullptr,
                    const std::string& path = "/api-key") {
  auto r = internal(port, "POST", "/internal/apps/" + app + path, body);
  REQUIRE(r.status == 200);
  return std::string(r.json().at("api_key").as_string());
}

}  // namespace

/// A node with one CTI app ("CRM") and a key of it.
struct app_node {
  test_database db;  // before the server: outlives it
  server_process server{{{"DATABASE_URL", db.url()}}};
  std::string app = new_app(server.port(), "CRM");
  std::string key = new_key(server.port(), app);
};

TEST_CASE("the internal API wants the operator secret", "[apps]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  CHECK(http_request(server.port(), "GET", "/internal/apps").status == 401);
  CHECK(http_request(server.port(), "GET", "/internal/apps", {},
                     {{"Authorization", "Bearer wrong-secret-of-some-length-xxxxxxx"}})
            .status == 401);
  // A user's token is not the operator secret, even an operator's.
  CHECK(call(server.port(), "GET", "/internal/apps", admin_token(server)).status == 401);
  CHECK(internal(server.port(), "GET", "/internal/apps").status == 200);
}

TEST_CASE("API keys are shown once, stored hashed and identified by a hint", "[apps]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto app = new_app(server.port(), "CRM");
  auto generated = internal(server.port(), "POST", "/internal/apps/" + app + "/api-key");
  REQUIRE(generated.status == 200);
  auto body = generated.json().as_object();
  std::string key(body.at("api_key").as_string());
  CHECK(std::regex_match(key, std::regex("app_[0-9a-f]{64}")));
  CHECK(body.at("app_name") == "CRM");
  CHECK(body.at("key_hint").as_string() == key.substr(0, 8) + "..." + key.substr(key.size() - 4));
  CHECK(body.at("note") == "Store this key in your .env file. It will never be shown again.");

  auto status = internal(server.port(), "GET", "/internal/apps/" + app + "/api-key/status").json();
  CHECK(status.at("key_hint") == body.at("key_hint"));
  CHECK(status.at("is_active") == true);
  CHECK(generated.body.find(key) != std::string::npos);
  CHECK(internal(server.port(), "GET", "/internal/apps/" + app).body.find(key) ==
        std::string::npos);

  auto sql = db.connect();
  std::string stored;
  *sql << "SELECT api_key_hash FROM apps WHERE id = :id", soci::use(app), soci::into(stored);
  CHECK(stored == sb::crypto::sha256_hex(key));
  CHECK(key_accepted(server.port(), key));
  CHECK_FALSE(key_accepted(server.port(), "app_" + std::string(64, '0')));
}

TEST_CASE("rotation retires the old key at once, or after the grace period", "[apps]") {
  app_node node;
  auto& [db, server, app, first] = node;
  ws_client old_session(server.port(), with_key(first));

  auto second = new_key(server.port(), app, nullptr, "/api-key/rotate");
  CHECK(old_session.wait_closed(1s) == 4401);
  CHECK_FALSE(key_accepted(server.port(), first));
  CHECK(key_accepted(server.port(), second));

  ws_client graceful(server.port(), with_key(second));
  auto third =
      new_key(server.port(), app, json::object{{"grace_period_seconds", 2}}, "/api-key/rotate");
  CHECK(key_accepted(server.port(), second));  // still inside the grace period
  CHECK(key_accepted(server.port(), third));
  CHECK(graceful.wait_closed(4s) == 4401);  // closed when the grace period ends
  CHECK_FALSE(key_accepted(server.port(), second));
  CHECK(key_accepted(server.port(), third));

  auto audit =
      internal(server.port(), "GET", "/internal/apps/" + app + "/api-key/audit?limit=2").json();
  CHECK(audit.at("pagination").at("total") == 3);
  CHECK(audit.at("pagination").at("has_more") == true);
  CHECK(audit.at("data").at(0).at("action") == "rotated");
  CHECK(audit.at("data").at(0).at("grace_period_seconds") == 2);
  CHECK(audit.at("data").at(0).at("new_key_hint").as_string() ==
        third.substr(0, 8) + "..." + third.substr(third.size() - 4));
  auto all = internal(server.port(), "GET", "/internal/apps/" + app + "/api-key/audit").json();
  CHECK(all.at("data").at(2).at("action") == "created");
  CHECK(all.at("data").at(2).at("old_key_hint").is_null());
}

TEST_CASE("revoking the key or deactivating the app stops it at once", "[apps]") {
  app_node node;
  auto& [db, server, app, key] = node;
  ws_client session(server.port(), with_key(key));
  auto revoked = internal(server.port(), "POST", "/internal/apps/" + app + "/api-key/revoke");
  CHECK(revoked.status == 200);
  CHECK(revoked.json().at("message") == "API key revoked");
  CHECK(session.wait_closed(1s) == 4401);
  CHECK_FALSE(key_accepted(server.port(), key));
  CHECK(internal(server.port(), "GET", "/internal/apps/" + app + "/api-key/status")
            .json()
            .at("is_active") == false);
  CHECK(internal(server.port(), "POST", "/internal/apps/" + app + "/api-key/revoke").status == 404);

  auto fresh = new_key(server.port(), app);
  ws_client live(server.port(), with_key(fresh));
  auto off = internal(server.port(), "PATCH", "/internal/apps/" + app,
                      json::object{{"is_active", false}, {"webhook_secret", "whsec_abc"}});
  REQUIRE(off.status == 200);
  CHECK(off.json().at("is_active") == false);
  CHECK(off.json().at("webhook_secret_set") == true);
  CHECK(off.body.find("whsec_abc") == std::string::npos);
  CHECK(live.wait_closed(1s) == 4401);
  CHECK_FALSE(key_accepted(server.port(), fresh));
  internal(server.port(), "PATCH", "/internal/apps/" + app, json::object{{"is_active", true}});
  CHECK(key_accepted(server.port(), fresh));
}

TEST_CASE("apps belong to a tenant and their changes are audited there", "[apps][tenancy]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto op = admin_token(server);
  auto tenant = std::string(
      data_of(call(server.port(), "GET", "/api/v1/auth/me", op)).at("tenantId").as_string());
  auto r = internal(server.port(), "POST", "/internal/apps",
                    json::object{{"name", "Mine"}, {"tenant_id", tenant}});
  REQUIRE(r.status == 201);
  CHECK(r.json().at("tenant_id").as_string() == tenant);
  auto missing =
      internal(server.port(), "POST", "/internal/apps",
               json::object{{"name", "X"}, {"tenant_id", "00000000-0000-4000-8000-000000000000"}});
  CHECK(missing.status == 404);
  CHECK(missing.json().at("detail") == "tenant_id: no such tenant");
  auto own = call(server.port(), "GET", "/api/v1/audit-logs?action=app.created", op).json();
  CHECK(own.at("pagination").at("total") == 1);
  CHECK(internal(server.port(), "GET", "/internal/apps").json().at("data").as_array().size() == 1);
}
