#pragma once

#include "config/node_config.hpp"

namespace sb {

/// Applies migrations and exits: `switchboard migrate`. Returns the process exit code.
int run_migrate(const config::node_config& cfg);

/// Runs a node until SIGTERM or SIGINT, then shuts down gracefully: stop accepting, answer
/// what is in flight, close WebSockets with 1001, drain the store. Returns the exit code.
int run_node(config::node_config cfg);

}  // namespace sb
