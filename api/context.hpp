#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#include "actors/runtime/lifecycle.hpp"
#include "config/node_config.hpp"
#include "persistence/store.hpp"

namespace sb::api {

/// What endpoint handlers reach the node through. Handlers ask actors; they never touch the
/// database themselves.
struct context {
  caf::actor_system& sys;
  const config::node_config& cfg;
  persistence::store_ptr store;
  caf::actor directory;
  std::shared_ptr<lifecycle> node;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<uint16_t> port{0};  ///< the bound port, known once listening
};

}  // namespace sb::api
