#pragma once

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <vector>

#include "config/database_url.hpp"
#include "config/node_config.hpp"
#include "persistence/store_job.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

struct worker_args {
  size_t index = 0;
  config::database_target target;
  config::database_config cfg;
  caf::actor supervisor;
};

struct worker_state {
  worker_state();
  ~worker_state();  // out of line: soci::session is incomplete here

  struct pending {
    store_job_ptr job;
    caf::response_promise promise;
  };
  std::unique_ptr<soci::session> sql;
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
/// Messages: (store_atom, store_job_ptr) → the job's reply; (drain_atom) → unit once
/// everything queued before it is committed.
caf::behavior store_worker(caf::stateful_actor<worker_state>* self, worker_args args);

}  // namespace sb::persistence
