#include "tools/switchboard/cluster_startup.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <unistd.h>

#include <stdexcept>

#include "config/ground/crypto.hpp"

namespace sb {

namespace {

/// What proves membership without sending the secret: a hash of it.
std::string proof_of(const std::string& secret) {
  return crypto::sha256_hex("switchboard-cluster:" + secret);
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "node";
  return buf;
}

}  // namespace

void configure_cluster(caf::actor_system_config& cfg, const config::cluster_config& cluster) {
  if (!cluster.enabled) return;
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{cluster.heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{cluster.timeout});
  cfg.set("middleman.app-identifiers",
          std::vector<std::string>{"switchboard-" + proof_of(cluster.secret).substr(0, 16)});
}

std::shared_ptr<cluster_view> make_cluster_view(const config::cluster_config& c) {
  if (!c.enabled) return nullptr;
  member_info me;
  me.incarnation = crypto::random_uuid();
  me.host = c.advertise_host.empty() ? c.bind : c.advertise_host;
  me.port = c.port;
  me.proof = proof_of(c.secret);
  me.name = c.node_name;
  return std::make_shared<cluster_view>(me);
}

cluster_node join_cluster(caf::actor_system& sys, const config::node_config& cfg,
                          std::shared_ptr<cluster_view> view, directory_actor directory,
                          std::function<void(const caf::message&)> deliver,
                          std::function<void()> changed) {
  const auto& c = cfg.cluster;
  std::vector<std::pair<std::string, uint16_t>> seeds;
  try {
    seeds = parse_seeds(c.seeds);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("cluster.seeds (CLUSTER_SEEDS): ") + e.what());
  }
  membership_deps deps{view,
                       std::move(seeds),
                       c.heartbeat,
                       c.timeout,
                       std::move(deliver),
                       std::move(directory),
                       std::move(changed)};
  auto membership = sys.spawn(membership_impl, std::move(deps));
  auto port = sys.middleman().publish(membership, c.port, c.bind.c_str(), true);
  if (!port) {
    caf::anon_send_exit(membership, caf::exit_reason::user_shutdown);
    throw std::runtime_error(fmt::format("cannot open the cluster port {}:{}: {}", c.bind, c.port,
                                         sys.render(port.error())));
  }
  auto me = view->self();
  me.port = *port;
  if (me.name.empty()) me.name = fmt::format("{}:{}", host_name(), me.port);
  view->set_self(me);
  spdlog::info("cluster: member {} (incarnation {}) on {}:{}; seeds: {}", me.name, me.incarnation,
               me.host, me.port, c.seeds.empty() ? "none" : c.seeds);
  caf::anon_send(membership, seed_atom::value);
  caf::anon_send(membership, tick_atom::value);
  return cluster_node{membership, view};
}

}  // namespace sb
