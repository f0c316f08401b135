#include "actors/calls/call_recovery.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/clock.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/store_job.hpp"

namespace sb {

void recover_calls(caf::actor_system& sys, const persistence::store_ptr& store,
                   caf::actor directory, std::chrono::milliseconds timeout) {
  auto started_us = now_us();
  sys.spawn([store, directory, timeout, started_us](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(directory);  // not a link: see resume_webhook_streams
    self->set_down_handler([self](caf::down_msg&) { self->quit(); });
    self->send(self, tick_atom::value);
    return {
        [=](tick_atom) {
          auto job = persistence::make_result_job(
              "fail_unfinished_calls", [started_us](soci::session& sql) {
                return persistence::fail_unfinished_calls(sql, started_us, now_us()).size();
              });
          self->request(store->route(0), timeout, store_atom::value, job.job)
              .then(
                  [self, job]() {
                    if (auto n = **job.value) {
                      spdlog::warn("{} calls left unfinished by the previous run marked failed", n);
                    }
                    self->quit();
                  },
                  [self](caf::error& err) {
                    spdlog::warn("cannot close calls left by the previous run yet: {}",
                                 self->system().render(err));
                    self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
                  });
        },
    };
  });
}

}  // namespace sb
