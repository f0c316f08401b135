#pragma once

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <vector>

#include "config/database_url.hpp"
#include "config/node_config.hpp"
#include "persistence/prepared.hpp"
#include "persistence/store_actors.hpp"
#include "persistence/store_job.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

struct worker_args {
  size_t index = 0;
  config::database_target target;
  config::database_config cfg;
  store_supervisor_actor supervisor;
};

struct worker_state {
  worker_state();
  ~worker_state();  // out of line: soci::session is incomplete here

  struct pending {
    store_job_ptr job;
    caf::response_promise promise;  ///< answered empty after the commit, or with an error
  };
  std::unique_ptr<soci::session> sql;
  std::unique_ptr<statement_cache> statements;  ///< on `sql`; declared after it, so freed first
  std::vector<pending> batch;
  bool flush_scheduled = false;
  caf::actor_clock::time_point last_used;
  static inline const char* name = "store_worker";
};

/// A store worker: one database connection on its own thread (spawn it detached). It collects
/// every `(store_atom, store_job_ptr)` queued in its mailbox into one transaction (group
/// commit), then answers each requester. On a lost connection it fails the batch with
/// db_unavailable and quits, so that its supervisor reconnects it with backoff.
///
/// Its interface is store_worker_actor: (store_atom, job) is answered after the commit;
/// (drain_atom) once everything queued before it is committed.
store_worker_actor::behavior_type store_worker_impl(
    store_worker_actor::stateful_pointer<worker_state> self, worker_args args);

}  // namespace sb::persistence
