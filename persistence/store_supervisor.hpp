#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <vector>

#include "config/node_config.hpp"
#include "persistence/store.hpp"

namespace sb::persistence {

struct supervisor_state {
  supervisor_state() = default;  // not an aggregate, see mailer_state

  struct slot {
    store_worker_actor worker;
    uint32_t failures = 0;  ///< consecutive failures since the last successful connect
  };
  std::vector<slot> slots;
  bool stopping = false;
  static inline const char* name = "store_supervisor";
};

/// One-for-one supervisor of the store workers. A worker that dies (database lost, crash) is
/// withdrawn from routing at once and restarted after an exponential backoff
/// (database.backoff_initial_ms doubling up to database.backoff_max_ms). It never gives up:
/// a node without its database keeps serving everything else and recovers when it returns.
///
/// Its interface is store_supervisor_actor: it answers (store_atom, job) with db_unavailable
/// (it is the route while a worker is down), and (drain_atom) once every live worker has
/// committed what it had queued.
store_supervisor_actor::behavior_type store_supervisor_impl(
    store_supervisor_actor::stateful_pointer<supervisor_state> self, store_ptr store,
    config::database_config cfg);

}  // namespace sb::persistence
