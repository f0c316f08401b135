#include "persistence/store_supervisor.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>
#include <memory>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/store_job.hpp"
#include "persistence/store_worker.hpp"

namespace sb::persistence {

namespace {

using self_ptr = store_supervisor_actor::stateful_pointer<supervisor_state>;

std::chrono::milliseconds backoff(const config::database_config& cfg, uint32_t failures) {
  auto delay = cfg.backoff_initial;
  for (uint32_t i = 1; i < failures && delay < cfg.backoff_max; ++i) delay *= 2;
  return std::min(delay, cfg.backoff_max);
}

void spawn_worker(self_ptr self, const store_ptr& store, const config::database_config& cfg,
                  size_t index) {
  worker_args args{index, store->target(), cfg, caf::actor_cast<store_supervisor_actor>(self)};
  self->state.slots[index].worker =
      self->spawn<caf::detached + caf::monitored>(store_worker_impl, std::move(args));
}

}  // namespace

store_supervisor_actor::behavior_type store_supervisor_impl(self_ptr self, store_ptr store,
                                                            config::database_config cfg) {
  auto& restarts = metrics::global().get_counter("sb_store_worker_restarts_total",
                                                 "Store workers restarted by their supervisor");
  auto& live =
      metrics::global().get_gauge("sb_store_workers_live", "Store workers connected and serving");
  self->state.slots.resize(store->workers());
  for (size_t i = 0; i < store->workers(); ++i) spawn_worker(self, store, cfg, i);

  self->set_down_handler([=, &restarts, &live](caf::down_msg& dm) {
    auto& slots = self->state.slots;
    auto it = std::find_if(slots.begin(), slots.end(),
                           [&](const auto& s) { return s.worker.address() == dm.source; });
    if (it == slots.end()) return;
    size_t index = static_cast<size_t>(it - slots.begin());
    store->withdraw(index);
    live.set(static_cast<int64_t>(store->live_workers()));
    it->worker = nullptr;
    if (self->state.stopping) return;
    it->failures += 1;
    auto delay = backoff(cfg, it->failures);
    store->set_retry_after(delay);
    restarts.inc();
    spdlog::warn("store worker {} stopped ({}); restarting in {} ms", index,
                 self->system().render(dm.reason), delay.count());
    self->delayed_send(self, delay, restart_atom::value, index);
  });

  self->set_exit_handler([=](caf::exit_msg& msg) {
    self->state.stopping = true;
    for (auto& slot : self->state.slots) {
      if (slot.worker) self->send_exit(slot.worker, msg.reason);
    }
    self->quit(msg.reason);
  });

  return {
      [=](store_atom, store_job_ptr&) -> caf::result<void> {
        return caf::make_error(errc::db_unavailable);
      },
      [=, &live](ready_atom, size_t index) {
        auto& slot = self->state.slots.at(index);
        if (!slot.worker) return;
        if (slot.failures > 0) spdlog::info("store worker {} reconnected", index);
        slot.failures = 0;
        store->publish(index, slot.worker);
        live.set(static_cast<int64_t>(store->live_workers()));
      },
      [=](restart_atom, size_t index) {
        if (!self->state.stopping && !self->state.slots.at(index).worker) {
          spawn_worker(self, store, cfg, index);
        }
      },
      [=](drain_atom) -> caf::result<void> {
        auto rp = self->make_response_promise();
        auto remaining = std::make_shared<size_t>(0);
        for (auto& slot : self->state.slots) {
          if (slot.worker) ++*remaining;
        }
        if (*remaining == 0) return caf::unit;
        for (auto& slot : self->state.slots) {
          if (!slot.worker) continue;
          // A worker that fails meanwhile has failed its queue already: count it as drained.
          auto done = [=]() mutable {
            if (--*remaining == 0) rp.deliver(caf::unit);
          };
          self->request(slot.worker, cfg.request_timeout, drain_atom::value)
              .then([=]() mutable { done(); }, [=](caf::error&) mutable { done(); });
        }
        return caf::delegated<void>();
      },
  };
}

}  // namespace sb::persistence
