// A cluster of three nodes on one machine and the throw-away PostgreSQL: they find each other
// through seeds into a full mesh, see a killed member leave within the heartbeat timeout, take
// a restarted one back under its new incarnation, and a paused one back once it resumes.
// Tagged [pg_only]: a cluster needs PostgreSQL.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/api_calls.hpp"
#include "tests/integration/cluster_fixture.hpp"
#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("three nodes form a full mesh; a killed member leaves and rejoins as a new life",
          "[cluster][pg_only]") {
  three_nodes c;
  CHECK(c.meshed(5s));
  auto metrics = http_request(c[0].server->port(), "GET", "/metrics").body;
  CHECK(metrics.find("\nsb_cluster_members 3\n") != std::string::npos);
  CHECK(metrics.find("sb_cluster_member{name=\"gamma\"} 1") != std::string::npos);

  // kill -9: the survivors notice within the heartbeat timeout (1 s here).
  auto killed_at = std::chrono::steady_clock::now();
  c[2].server->stop(SIGKILL);
  CHECK(c.sees(0, {"alpha", "beta"}, 3s));
  CHECK(c.sees(1, {"alpha", "beta"}, 3s));
  CHECK(std::chrono::steady_clock::now() - killed_at < 3s);

  // Back with a new incarnation (and a new cluster port): it joins through its seed.
  c[2].server->restart(SIGKILL);
  CHECK(c.meshed(5s));
}

TEST_CASE("a paused member is dropped, then taken back when it resumes", "[cluster][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  auto pid = c[1].server->pid();
  ::kill(pid, SIGSTOP);
  CHECK(c.sees(0, {"alpha", "gamma"}, 3s));
  CHECK(c.sees(2, {"alpha", "gamma"}, 3s));
  ::kill(pid, SIGCONT);
  CHECK(c.meshed(8s));
}

TEST_CASE("a suspension on one member reaches the user's sockets and caches on every member",
          "[cluster][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  auto admin = admin_token(*c[0].server);
  auto user = create_user(c[0].server->port(), admin,
                          {{"email", "roamer@cluster.test"},
                           {"firstName", "R"},
                           {"lastName", "M"},
                           {"role", "user"},
                           {"password", "a-long-enough-passphrase"}});
  auto token = login(c[0].server->port(), "roamer@cluster.test", "a-long-enough-passphrase");
  // Known (and cached) on gamma, with a socket there.
  REQUIRE(call(c[2].server->port(), "GET", "/api/v1/auth/me", token).status == 200);
  ws_client::options o;
  o.headers = bearer(token);
  ws_client socket(c[2].server->port(), o);
  socket.send_text(R"({"type":"ping","id":"p"})");
  REQUIRE(socket.read(5s).has_value());

  auto suspended_at = std::chrono::steady_clock::now();
  REQUIRE(call(c[0].server->port(), "PATCH", "/api/v1/users/" + user + "/status", admin,
               json::object{{"status", "suspended"}})
              .status == 200);
  CHECK(socket.wait_closed(2s) == 4401);
  CHECK(std::chrono::steady_clock::now() - suspended_at < 1s);
  CHECK(call(c[2].server->port(), "GET", "/api/v1/auth/me", token).status == 401);
  CHECK(call(c[1].server->port(), "GET", "/api/v1/auth/me", token).status == 401);
}

TEST_CASE("a cluster needs PostgreSQL and a secret", "[cluster]") {
  auto sqlite = run_switchboard(
      {}, {{"CLUSTER_ENABLED", "true"}, {"CLUSTER_SECRET", "s"}, {"DATABASE_URL", "sqlite:x.db"}});
  CHECK(sqlite.exit_code == 2);
  CHECK(sqlite.output.find("cluster.enabled (CLUSTER_ENABLED): a cluster's nodes share one "
                           "PostgreSQL database") != std::string::npos);
  auto no_secret = run_switchboard(
      {}, {{"CLUSTER_ENABLED", "true"}, {"DATABASE_URL", "postgresql://u@localhost/x"}});
  CHECK(no_secret.exit_code == 2);
  CHECK(no_secret.output.find("cluster.secret (CLUSTER_SECRET)") != std::string::npos);
}

TEST_CASE("a restarted member with no seeds of its own is found again by every member",
          "[cluster][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  // Alpha started first (no seeds): beta dials it again; gamma hears of it from beta.
  c.restart(0);
  CHECK(c.meshed(5s));
}
