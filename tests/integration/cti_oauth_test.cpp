#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <regex>

#include "config/ground/crypto.hpp"
#include "protocols/http/message.hpp"
#include "tests/integration/cti_fixture.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

/// Query parameter `name` of a URL.
std::string param(const std::string& url, const std::string& name) {
  std::smatch m;
  std::regex re("[?&]" + name + "=([^&]*)");
  if (!std::regex_search(url, m, re)) return "";
  return sb::http::percent_decode(std::string(m[1]));
}

}  // namespace

TEST_CASE("Dialpad OAuth: authorize with state and PKCE, exchange, sealed tokens, refresh",
          "[cti][oauth]") {
  // Dialpad's token endpoint, played locally: it checks the PKCE verifier against the
  // challenge the node sent the browser with, and rotates the refresh token on every refresh.
  std::string challenge;
  std::mutex m;
  int refreshes = 0;
  fake_http_server dialpad([&](const fake_http_server::request& r) -> fake_http_server::reply {
    if (r.target != "/oauth2/token") return {404, R"({"error":"not_found"})"};
    auto body = json::parse(r.body).as_object();
    if (body.at("client_id") != "sb-client" || body.at("client_secret") != "sb-client-secret")
      return {401, R"({"error":"invalid_client"})"};
    if (body.at("grant_type") == "authorization_code") {
      std::lock_guard g(m);
      auto verifier = std::string(body.at("code_verifier").as_string());
      bool pkce = sb::crypto::base64url_encode(sb::crypto::sha256(verifier)) == challenge;
      if (body.at("code") != "good-code" || !pkce) return {400, R"({"error":"invalid_grant"})"};
      return {200, R"({"access_token":"access-1","refresh_token":"refresh-1","expires_in":2,)"
                   R"("token_type":"bearer","scope":"calls:list offline_access"})"};
    }
    std::lock_guard g(m);
    auto expected = "refresh-" + std::to_string(refreshes + 1);
    if (body.at("refresh_token").as_string() != expected)
      return {400, R"({"error":"invalid_grant"})"};
    ++refreshes;
    return {200, json::serialize(
                     json::object{{"access_token", "access-" + std::to_string(refreshes + 1)},
                                  {"refresh_token", "refresh-" + std::to_string(refreshes + 1)},
                                  {"expires_in", 3600}})};
  });

  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"DIALPAD_BASE_URL", dialpad.url()},
                         {"CLIENT_ID", "sb-client"},
                         {"CLIENT_SECRET", "sb-client-secret"},
                         {"REDIRECT_URI", "https://crm.example/auth/dialpad/callback"},
                         {"SECRETS_KEY", "test-secrets-key-0123456789abcdef"},
                         {"DIALPAD_REFRESH_INTERVAL_MS", "100"}});
  auto app = cti_app::create(server.port(), "CRM");
  CHECK(http_request(server.port(), "GET", "/auth/dialpad").status == 401);  // an app's key

  auto start = app.get("/auth/dialpad");
  REQUIRE(start.status == 302);
  auto location = start.header("location");
  CHECK(location.rfind(dialpad.url() + "/oauth2/authorize?", 0) == 0);
  CHECK(param(location, "response_type") == "code");
  CHECK(param(location, "client_id") == "sb-client");
  CHECK(param(location, "redirect_uri") == "https://crm.example/auth/dialpad/callback");
  CHECK(param(location, "scope") == "calls:list recordings_export offline_access");
  CHECK(param(location, "code_challenge_method") == "S256");
  auto state = param(location, "state");
  CHECK(state.size() == 64);
  {
    std::lock_guard g(m);
    challenge = param(location, "code_challenge");
  }

  // Dialpad sends the browser back with the code; a wrong state or code goes nowhere.
  CHECK(http_request(server.port(), "GET", "/auth/dialpad/callback?code=good-code&state=forged")
            .status == 400);
  CHECK(http_request(server.port(), "GET", "/auth/dialpad/callback?state=" + state).status == 400);
  auto done =
      http_request(server.port(), "GET", "/auth/dialpad/callback?code=good-code&state=" + state);
  REQUIRE(done.status == 200);
  CHECK(done.json().at("connected") == true);
  CHECK(done.json().at("offline_access") == true);
  // A state is good once.
  CHECK(http_request(server.port(), "GET", "/auth/dialpad/callback?code=good-code&state=" + state)
            .status == 400);

  // Tokens are sealed at rest: neither appears in the database.
  auto sql = db.connect();
  std::string access, refresh;
  *sql << "SELECT access_token_sealed, refresh_token_sealed FROM dialpad_connections",
      soci::into(access), soci::into(refresh);
  CHECK(access.find("access-") == std::string::npos);
  CHECK(refresh.find("refresh-") == std::string::npos);
  CHECK_FALSE(access.empty());

  // It expires in 2 s, within the refresh window: the node refreshes with the rotated token.
  REQUIRE(eventually(
      [&] {
        std::lock_guard g(m);
        return refreshes >= 1;
      },
      10s));
  auto status = app.ops("GET", "/dialpad");
  REQUIRE(status.status == 200);
  CHECK(status.json().at("data").at("connected") == true);
  CHECK(eventually(
      [&] { return !app.ops("GET", "/dialpad").json().at("data").at("refreshed_at").is_null(); }));
  CHECK(status.body.find("access-") == std::string::npos);
  CHECK(server.log().find("access-") == std::string::npos);  // never logged
  CHECK(server.log().find("refresh-1") == std::string::npos);
  // Valid for an hour now: no further refresh.
  std::this_thread::sleep_for(500ms);
  std::lock_guard g(m);
  CHECK(refreshes == 1);
}

TEST_CASE(
    "Dialpad OAuth answers 503 when the node is not configured for it, 502 when Dialpad "
    "refuses",
    "[cti][oauth]") {
  fake_http_server dialpad([](const fake_http_server::request&) -> fake_http_server::reply {
    return {400, R"({"error":"invalid_grant"})"};
  });
  test_database db;
  {
    server_process plain({{"DATABASE_URL", db.url()}});
    auto app = cti_app::create(plain.port(), "CRM");
    auto r = app.get("/auth/dialpad");
    CHECK(r.status == 503);
    CHECK(r.json().at("code") == "not_configured");
  }
  server_process server({{"DATABASE_URL", db.url()},
                         {"DIALPAD_BASE_URL", dialpad.url()},
                         {"CLIENT_ID", "sb-client"},
                         {"CLIENT_SECRET", "x"},
                         {"REDIRECT_URI", "https://crm.example/cb"}});
  auto app = cti_app::create(server.port(), "CRM2");
  auto json_start = http_request(server.port(), "GET", "/auth/dialpad", "",
                                 {{"x-app-api-key", app.key}, {"Accept", "application/json"}});
  REQUIRE(json_start.status == 200);
  auto url = std::string(json_start.json().at("authorize_url").as_string());
  auto refused = http_request(server.port(), "GET",
                              "/auth/dialpad/callback?code=bad&state=" + param(url, "state"));
  CHECK(refused.status == 502);
  CHECK(refused.json().at("code") == "upstream_failed");
  CHECK(app.ops("GET", "/dialpad").json().at("data").at("connected") == false);
  CHECK(http_request(server.port(), "GET", "/auth/dialpad/callback?error=access_denied").status ==
        400);
}
