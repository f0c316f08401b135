#pragma once

#include <caf/typed_actor.hpp>

#include <cstddef>

#include "actors/runtime/atoms.hpp"
#include "persistence/store_job.hpp"

namespace sb::persistence {

/// Where a store request goes (store::route): a worker, or while the shard's worker is down
/// the supervisor, which answers db_unavailable at once. A job is answered (an empty reply)
/// after the transaction that ran it committed, or with the error that failed it.
using store_route = caf::typed_actor<caf::reacts_to<store_atom, store_job_ptr>>;

/// A store worker (store_worker.hpp): a route, drained on request (an empty reply once what
/// was queued before is committed); `flush` and `tick` are its own (commit the batch now,
/// check an idle connection).
using store_worker_actor =
    store_route::extend<caf::reacts_to<drain_atom>, caf::reacts_to<flush_atom>,
                        caf::reacts_to<tick_atom>>;

/// The supervisor (store_supervisor.hpp): a route while workers are down; `drain` answers once
/// every live worker has committed what it had queued; `ready` and `restart` come from its
/// workers and its own backoff timer.
using store_supervisor_actor =
    store_route::extend<caf::reacts_to<drain_atom>, caf::reacts_to<ready_atom, size_t>,
                        caf::reacts_to<restart_atom, size_t>>;

}  // namespace sb::persistence
