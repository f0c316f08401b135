#pragma once

#include <caf/event_based_actor.hpp>

#include <chrono>

#include "actors/runtime/atoms.hpp"
#include "persistence/store.hpp"
#include "persistence/store_job.hpp"

namespace sb::persistence {

/// Runs a result_job from outside an actor (an HTTP handler on an I/O thread): a short-lived
/// actor sends it to the shard's worker and calls `ok(T&)` after the commit, or `fail(error)`.
/// Neither callback runs on the caller's thread; both must not block.
template <class T, class Ok, class Fail>
void ask_store(caf::actor_system& sys, const store_ptr& store, uint64_t shard, result_job<T> job,
               std::chrono::milliseconds timeout, Ok ok, Fail fail) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(store->route(shard), timeout, store_atom::value, job.job)
        .then(
            [=]() mutable {
              ok(**job.value);
              self->quit();
            },
            [=](caf::error& err) mutable {
              fail(err);
              self->quit();
            });
  });
}

}  // namespace sb::persistence
