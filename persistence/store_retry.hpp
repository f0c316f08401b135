#pragma once

#include <spdlog/spdlog.h>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "actors/runtime/atoms.hpp"
#include "persistence/store.hpp"
#include "persistence/store_job.hpp"

namespace sb::persistence {

/// Start-up work that must not be lost to a database still coming up: a short-lived actor runs
/// `fn(soci::session&)` as a job (named `name`, a string literal) until it commits, then calls
/// `done(result&)` on the actor's thread. While the store cannot answer, it warns "cannot
/// <what> yet" and tries again every `every`. It gives up when `owner` terminates (the node is
/// stopping), watching it with a monitor — a link would, in CAF 0.17, take `owner` down when
/// this actor quits normally.
template <class F, class Done>
void retry_until_committed(caf::actor_system& sys, const store_ptr& store, caf::actor owner,
                           std::chrono::milliseconds timeout, std::chrono::milliseconds every,
                           std::string_view name, F fn, Done done, std::string what) {
  sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(owner);
    self->set_down_handler([self](caf::down_msg&) { self->quit(); });
    self->send(self, tick_atom::value);
    return {
        [=](tick_atom) {
          auto job = make_result_job(name, fn);
          self->request(store->route(0), timeout, store_atom::value, job.job)
              .then(
                  [self, job, done]() mutable {
                    done(**job.value);
                    self->quit();
                  },
                  [self, every, what](caf::error& err) {
                    spdlog::warn("cannot {} yet: {}", what, self->system().render(err));
                    self->delayed_send(self, every, tick_atom::value);
                  });
        },
    };
  });
}

}  // namespace sb::persistence
