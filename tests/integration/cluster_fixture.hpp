#pragma once

// Three switchboard processes on one machine and the throw-away PostgreSQL, joined into one
// cluster (alpha first, beta through alpha, gamma through beta).

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

namespace sb::test {

inline const std::set<std::string> kAll{"alpha", "beta", "gamma"};

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

  /// The database every member shares.
  const test_database& db() const { return db_; }

  /// Waits until every member sees all three; false after `within` (each).
  bool meshed(std::chrono::milliseconds within) {
    bool all = true;
    for (size_t i = 0; i < nodes_.size(); ++i) all = sees(i, kAll, within) && all;
    return all;
  }

  /// Kills member `i` (-9) and starts it again on the same ports, as a restarted machine.
  void restart(size_t i) {
    nodes_[i].server->restart(SIGKILL, {{"CLUSTER_PORT", std::to_string(nodes_[i].cluster_port)}});
  }

  /// The member names node `i` reports in /health (empty when it does not answer).
  std::set<std::string> members_seen_by(size_t i) {
    auto r = http_request(nodes_[i].server->port(), "GET", "/health");
    std::set<std::string> names;
    if (r.status != 200) return names;
    auto health = boost::json::parse(r.body).as_object();
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
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
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

}  // namespace sb::test
