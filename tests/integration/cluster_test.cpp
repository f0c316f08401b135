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
#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

/// One member: a switchboard process with its cluster port.
struct member {
  std::string name;
  std::unique_ptr<server_process> server;
  uint16_t cluster_port = 0;
};

class three_nodes {
 public:
  three_nodes() {
    start("alpha", "");
    start("beta", seed_of(0));
    start("gamma", seed_of(1));  // learns alpha through beta
  }

  member& operator[](size_t i) { return nodes_[i]; }

  /// The member names node `i` reports in /health (empty when it does not answer).
  std::set<std::string> members_seen_by(size_t i) {
    auto r = http_request(nodes_[i].server->port(), "GET", "/health");
    std::set<std::string> names;
    if (r.status != 200) return names;
    auto health = json::parse(r.body).as_object();
    for (const auto& m : health.at("cluster").at("members").as_array()) {
      names.insert(std::string(m.at("name").as_string()));
    }
    return names;
  }

  /// Waits until node `i` reports exactly `names`; false after `within`.
  bool sees(size_t i, const std::set<std::string>& names, std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      if (members_seen_by(i) == names) return true;
      std::this_thread::sleep_for(50ms);
    }
    INFO("node " << nodes_[i].name << " sees " << members_seen_by(i).size() << " members");
    return false;
  }

 private:
  std::string seed_of(size_t i) { return "127.0.0.1:" + std::to_string(nodes_[i].cluster_port); }

  void start(const std::string& name, const std::string& seeds) {
    auto port_file = dir_.file(name + ".cluster-port");
    member m{name, std::make_unique<server_process>(db_.env_with({
                       {"CLUSTER_ENABLED", "true"},
                       {"CLUSTER_NODE_NAME", name},
                       {"CLUSTER_PORT", "0"},
                       {"CLUSTER_PORT_FILE", port_file},
                       {"CLUSTER_SEEDS", seeds},
                       {"CLUSTER_SECRET", "test-cluster-secret"},
                       {"CLUSTER_HEARTBEAT_MS", "100"},
                       {"CLUSTER_TIMEOUT_MS", "1000"},
                   }))};
    std::ifstream(port_file) >> m.cluster_port;
    REQUIRE(m.cluster_port != 0);
    nodes_.push_back(std::move(m));
  }

  test_database db_;
  temp_dir dir_;
  std::vector<member> nodes_;
};

const std::set<std::string> kAll{"alpha", "beta", "gamma"};

}  // namespace

TEST_CASE("three nodes form a full mesh; a killed member leaves and rejoins as a new life",
          "[cluster][pg_only]") {
  three_nodes c;
  for (size_t i = 0; i < 3; ++i) CHECK(c.sees(i, kAll, 5s));
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
  for (size_t i = 0; i < 3; ++i) CHECK(c.sees(i, kAll, 5s));
}

TEST_CASE("a paused member is dropped, then taken back when it resumes", "[cluster][pg_only]") {
  three_nodes c;
  for (size_t i = 0; i < 3; ++i) REQUIRE(c.sees(i, kAll, 5s));
  auto pid = c[1].server->pid();
  ::kill(pid, SIGSTOP);
  CHECK(c.sees(0, {"alpha", "gamma"}, 3s));
  CHECK(c.sees(2, {"alpha", "gamma"}, 3s));
  ::kill(pid, SIGCONT);
  for (size_t i = 0; i < 3; ++i) CHECK(c.sees(i, kAll, 8s));
}

TEST_CASE("a suspension on one member reaches the user's sockets and caches on every member",
          "[cluster][pg_only]") {
  three_nodes c;
  for (size_t i = 0; i < 3; ++i) REQUIRE(c.sees(i, kAll, 5s));
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
