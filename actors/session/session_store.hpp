#pragma once

#include <caf/event_based_actor.hpp>

#include <functional>
#include <string_view>

#include "actors/runtime/atoms.hpp"
#include "actors/session/session_actor.hpp"
#include "persistence/store.hpp"
#include "persistence/store_job.hpp"

namespace sb {

/// From a session actor: runs `fn(soci::session&)` in the store shard of `shard_key`, then
/// `ok(result&)` after the commit, or `failed(errc)`. `name` must be a string literal (jobs
/// keep a view of it).
template <class F, class Ok, class Failed>
void store_then(caf::event_based_actor* self, const session_deps& deps, std::string_view shard_key,
                std::string_view name, F fn, Ok ok, Failed failed) {
  auto job = persistence::make_result_job(name, std::move(fn));
  self->request(deps.store->route(std::hash<std::string_view>{}(shard_key)), deps.store_timeout,
                store_atom::value, job.job)
      .then([job, ok]() mutable { ok(**job.value); },
            [failed](caf::error& err) mutable { failed(persistence::store_errc(err)); });
}

}  // namespace sb
