#pragma once

#include <caf/actor_system_config.hpp>

namespace sb {

/// Registers, by a stable name, every message type that may cross nodes (talk group floor
/// requests and audio, talk events, call setups, commands and rows, shared frames), so that
/// CAF can serialize them for a remote actor. Call before the actor system starts.
void add_node_messages(caf::actor_system_config& cfg);

}  // namespace sb
