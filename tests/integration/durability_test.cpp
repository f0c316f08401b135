#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <thread>

#include "tests/integration/echo_pump.hpp"
#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;
using namespace std::chrono_literals;

namespace {

template <class Pred>
bool eventually(Pred p, std::chrono::seconds limit = 30s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!p()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

}  // namespace

TEST_CASE("stopping PostgreSQL under load: fail fast, report degraded, recover, lose nothing",
          "[durability][pg_restart]") {
  REQUIRE(dialect_under_test() == sb::config::dialect::postgresql);
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"RATE_LIMIT_WS_MESSAGES", kUnlimited},
                         {"RATE_LIMIT_WS_USER_MESSAGES", kUnlimited},
                         {"DATABASE_BACKOFF_INITIAL", "50"},
                         {"DATABASE_BACKOFF_MAX", "1000"},
                         {"DATABASE_PING_INTERVAL", "200"}});
  std::vector<std::unique_ptr<echo_pump>> pumps;
  for (int i = 0; i < 4; ++i) {
    pumps.push_back(
        std::make_unique<echo_pump>(server.port(), authed(server), "d" + std::to_string(i)));
  }
  std::this_thread::sleep_for(500ms);
  stop_postgres();
  bool restarted = false;
  try {
    // Health turns degraded with a Retry-After while the database is gone.
    CHECK(eventually([&] { return http_request(server.port(), "GET", "/health").status == 503; }));
    auto degraded = http_request(server.port(), "GET", "/health");
    CHECK(degraded.json().at("status") == "degraded");
    CHECK(degraded.json().at("database").at("error") == "db_unavailable");
    CHECK(std::stoi(degraded.header("retry-after")) >= 1);
    // The VoicePing console's readiness probe says so in its own words.
    auto ready = http_request(server.port(), "GET", "/api/ready");
    CHECK(ready.status == 503);
    CHECK(ready.json().at("ready") == false);
    CHECK(ready.json().at("error") == "Service starting");
    CHECK(ready.json().at("services").at("database").at("ok") == false);
    std::this_thread::sleep_for(500ms);
    start_postgres();
    restarted = true;
  } catch (...) {
    if (!restarted) start_postgres();
    throw;
  }
  CHECK(eventually([&] { return http_request(server.port(), "GET", "/health").status == 200; }));
  // Writes succeed again on the same connections.
  size_t acked_before = 0;
  for (auto& p : pumps) acked_before += p->acked().size();
  CHECK(eventually([&] {
    size_t now = 0;
    for (auto& p : pumps) now += p->acked().size();
    return now > acked_before + 20;
  }));
  auto metrics = http_request(server.port(), "GET", "/metrics").body;
  CHECK(metrics.find("sb_store_worker_restarts_total 0\n") == std::string::npos);

  int unavailable = 0;
  auto sql = db.connect();
  for (auto& p : pumps) {
    p->stop();
    unavailable += p->errors().count("db_unavailable") ? p->errors().at("db_unavailable") : 0;
    for (const auto& [id, text] : p->acked()) {
      std::string body;
      long long key = id;
      *sql << "SELECT body FROM notes WHERE id = :id", soci::use(key), soci::into(body);
      INFO("note " << id);
      CHECK(body == text);
    }
    CHECK(p->errors().count("timeout") == 0);  // failures were fast, not timeouts
  }
  CHECK(unavailable > 0);
}

TEST_CASE("a session that started while PostgreSQL was down joins its talk groups once it is back",
          "[durability][ptt][pg_restart]") {
  REQUIRE(dialect_under_test() == sb::config::dialect::postgresql);
  ptt_fixture f({{"DATABASE_BACKOFF_INITIAL", "50"},
                 {"DATABASE_BACKOFF_MAX", "500"},
                 {"DATABASE_PING_INTERVAL", "200"}});
  f.member("late@ptt.test");
  f.connect("late@ptt.test");  // the node now knows the token: it opens without the database
  auto token = f.token_of("late@ptt.test");
  stop_postgres();
  std::unique_ptr<ws_client> late;
  try {
    ws_client::options o;
    o.headers = bearer(token);
    late = std::make_unique<ws_client>(f.server.port(), o);
    CHECK_THROWS(next_of(*late, "channel.joined", 1500ms));  // the groups cannot be loaded
  } catch (...) {
    start_postgres();
    throw;
  }
  start_postgres();
  auto joined = next_of(*late, "channel.joined", 10s);
  CHECK(joined.at("channel") == boost::json::value(f.channel));
}
