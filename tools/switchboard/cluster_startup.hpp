#pragma once

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "actors/cluster/membership.hpp"
#include "config/node_config.hpp"

namespace sb {

/// Loads CAF's middleman for a cluster member: heartbeats on every connection, and the
/// cluster's identifier (from its secret), so that BASP refuses nodes of another cluster.
/// Does nothing for a single node. Before the actor system starts.
void configure_cluster(caf::actor_system_config& cfg, const config::cluster_config& cluster);

/// A cluster member's membership actor and its view of the members.
struct cluster_node {
  membership_actor membership;
  std::shared_ptr<cluster_view> view;
};

/// The node's view of the members (only itself until it joins); null for a single node.
std::shared_ptr<cluster_view> make_cluster_view(const config::cluster_config& cluster);

/// Spawns the membership actor, publishes it on the cluster port (naming `view`'s member once
/// the port is known) and starts joining through the seeds. Runs on the main thread at
/// start-up (publishing blocks); throws when the port cannot be opened. `deliver` is what this
/// node does with a message another member broadcast, `changed` what else it does when the
/// members change.
cluster_node join_cluster(caf::actor_system& sys, const config::node_config& cfg,
                          std::shared_ptr<cluster_view> view, directory_actor directory,
                          std::function<void(const caf::message&)> deliver,
                          std::function<void()> changed);

}  // namespace sb
