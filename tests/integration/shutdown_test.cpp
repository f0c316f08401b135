#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "tests/integration/echo_pump.hpp"
#include "tests/support/auth.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;

namespace {

// Every acknowledged note must be in the database with the text that was acknowledged.
void check_all_acked_present(test_database& db, const echo_pump& pump) {
  auto sql = db.connect();
  for (const auto& [id, text] : pump.acked()) {
    std::string body;
    long long key = id;
    *sql << "SELECT body FROM notes WHERE id = :id", soci::use(key), soci::into(body);
    INFO("note " << id);
    CHECK(body == text);
  }
}

}  // namespace

TEST_CASE("SIGTERM closes WebSockets with 1001, exits 0 and loses nothing acknowledged",
          "[shutdown]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"RATE_LIMIT_WS_MESSAGES", kUnlimited},
                         {"RATE_LIMIT_WS_USER_MESSAGES", kUnlimited}});
  std::vector<std::unique_ptr<echo_pump>> pumps;
  for (int i = 0; i < 4; ++i)
    pumps.push_back(
        std::make_unique<echo_pump>(server.port(), authed(server), "p" + std::to_string(i)));
  std::this_thread::sleep_for(700ms);
  CHECK(server.stop(SIGTERM) == 0);
  size_t acked = 0;
  for (auto& p : pumps) {
    p->stop();
    CHECK(p->closed_with() == 1001);
    acked += p->acked().size();
    check_all_acked_present(db, *p);
  }
  CHECK(acked > 0);
  CHECK(server.log().find("shutdown complete") != std::string::npos);
}

TEST_CASE("a killed server loses nothing it acknowledged", "[durability]") {
  test_database db;
  std::vector<std::unique_ptr<echo_pump>> pumps;
  {
    server_process server({{"DATABASE_URL", db.url()},
                           {"RATE_LIMIT_WS_MESSAGES", kUnlimited},
                           {"RATE_LIMIT_WS_USER_MESSAGES", kUnlimited}});
    for (int i = 0; i < 4; ++i)
      pumps.push_back(
          std::make_unique<echo_pump>(server.port(), authed(server), "k" + std::to_string(i)));
    std::this_thread::sleep_for(700ms);
    server.stop(SIGKILL);
  }
  size_t acked = 0;
  for (auto& p : pumps) {
    p->stop();
    acked += p->acked().size();
    check_all_acked_present(db, *p);
  }
  CHECK(acked > 0);
  // A restarted node opens the same database and serves again.
  server_process again({{"DATABASE_URL", db.url()},
                        {"RATE_LIMIT_WS_MESSAGES", kUnlimited},
                        {"RATE_LIMIT_WS_USER_MESSAGES", kUnlimited}});
  echo_pump after(again.port(), authed(again), "after", 1);
  std::this_thread::sleep_for(200ms);
  after.stop();
  CHECK_FALSE(after.acked().empty());
}

TEST_CASE("requests of clients that left do not hold up shutdown", "[shutdown]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"SHUTDOWN_TIMEOUT", "60000"}});
  std::vector<std::string> echoes;
  for (int i = 0; i < 200; ++i) {
    echoes.push_back(R"({"type":"echo","id":)" + std::to_string(i) + R"(,"text":"bye"})");
  }
  // Handshake and 200 requests in one write, then hang up at once: the session ends with
  // most of its requests still waiting on the store.
  auto token = admin_token(server);
  for (int c = 0; c < 3; ++c) blast_and_hang_up(server.port(), token, echoes);
  std::this_thread::sleep_for(300ms);
  auto started = std::chrono::steady_clock::now();
  CHECK(server.stop(SIGTERM, std::chrono::seconds(20)) == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(server.log().find("still unanswered") == std::string::npos);
}
