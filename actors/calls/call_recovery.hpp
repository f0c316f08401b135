#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <chrono>

#include "actors/directory/directory.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// After a restart: the calls this member's previous run (`member`, "" alone) left unfinished are
/// marked failed
/// ("node_restart") with their history written, rather than left dangling. Only calls created
/// before this node started are touched, so it may run while new calls are placed; it retries
/// until the database answers.
/// It gives up when `directory` goes (the node is stopping).
void recover_calls(caf::actor_system& sys, const persistence::store_client& store,
                   directory_actor directory, const std::string& member);

}  // namespace sb
