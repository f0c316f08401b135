#include "persistence/store_worker.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <chrono>
#include <optional>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/connection.hpp"

namespace sb::persistence {

namespace {

struct worker_metrics {
  metrics::histogram& batch_size;
  metrics::histogram& commit_seconds;
  metrics::counter& jobs_ok;
  metrics::counter& jobs_failed;
  metrics::counter& jobs_batched;
  metrics::gauge& queue_depth;

  explicit worker_metrics(size_t index)
      : batch_size(metrics::global().get_histogram("sb_store_batch_size",
                                                   "Jobs committed per group-commit transaction",
                                                   metrics::size_bounds())),
        commit_seconds(metrics::global().get_histogram("sb_store_commit_seconds",
                                                       "Time to run and commit one batch",
                                                       metrics::latency_bounds())),
        jobs_ok(metrics::global().get_counter("sb_store_jobs_total", "Store jobs answered",
                                              {{"result", "ok"}})),
        jobs_failed(metrics::global().get_counter("sb_store_jobs_total", "Store jobs answered",
                                                  {{"result", "failed"}})),
        jobs_batched(metrics::global().get_counter(
            "sb_store_jobs_batched_total",
            "Store jobs run together with their neighbours as one statement")),
        queue_depth(metrics::global().get_gauge(
            "sb_store_queue_depth", "Jobs waiting in a store worker (mailbox plus batch)",
            {{"worker", std::to_string(index)}})) {}
};

using self_ptr = store_worker_actor::stateful_pointer<worker_state>;

// After a plain soci_error the connection may or may not be alive; ask it.
bool connection_alive(soci::session& sql) {
  try {
    return sql.is_connected();
  } catch (...) {
    return false;
  }
}

// Runs the batch in one transaction. A job that fails on its own is excluded and the others
// re-run, so one bad request cannot fail its neighbours. Consecutive jobs of one batcher run
// together until such a run fails; then every job runs alone, to find the one at fault.
// Returns false when the connection is lost (every still-pending job has been failed with
// db_unavailable).
bool run_batch(self_ptr self, const worker_args& args, worker_metrics& m) {
  auto& st = self->state;
  auto items = std::move(st.batch);
  st.batch.clear();
  std::vector<std::optional<caf::error>> failures(items.size());
  std::vector<store_job*> run;
  bool together = true;
  auto started = std::chrono::steady_clock::now();
  statement_scope statements(*st.statements);
  size_t batched = 0;  // of the attempt that commits: a re-run counts again from zero
  for (;;) {
    size_t current = items.size();
    bool in_run = false;
    batched = 0;
    try {
      soci::transaction tr(*st.sql);
      for (size_t i = 0, end = 0; i < items.size(); i = end) {
        end = i + 1;
        if (failures[i]) continue;
        current = i;
        const auto* batcher = together ? items[i].job->batcher() : nullptr;
        run.assign(1, items[i].job.get());
        while (batcher && end < items.size() && items[end].job->batcher() == batcher) {
          if (!failures[end]) run.push_back(items[end].job.get());
          ++end;
        }
        in_run = run.size() > 1;
        if (in_run) {
          batcher->execute_all(*st.sql, run);
          batched += run.size();
        } else {
          items[i].job->execute(*st.sql);
        }
        in_run = false;
      }
      current = items.size();
      tr.commit();
      break;
    } catch (...) {
      auto f = classify_current_exception();
      if (f.scope == failure_scope::job && f.code == errc::internal &&
          args.target.kind == config::dialect::postgresql && !connection_alive(*st.sql)) {
        f.scope = failure_scope::connection;
        f.code = errc::db_unavailable;
      }
      if (f.scope == failure_scope::connection || current == items.size()) {
        // Connection lost, or the commit itself failed: nothing of this batch is committed.
        spdlog::warn("store worker {}: batch of {} failed: {}", args.index, items.size(),
                     f.message);
        for (size_t i = 0; i < items.size(); ++i) {
          items[i].promise.deliver(failures[i] ? *failures[i] : caf::make_error(f.code));
        }
        m.jobs_failed.inc(items.size());
        return f.scope != failure_scope::connection;
      }
      if (in_run) {
        together = false;  // no one to blame yet: each runs alone next time
        continue;
      }
      spdlog::warn("store worker {}: job {} failed ({}): {}", args.index,
                   items[current].job->name(), code_string(f.code), f.message);
      failures[current] =
          f.client_safe ? caf::make_error(f.code, f.message) : caf::make_error(f.code);
    }
  }
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  m.jobs_batched.inc(batched);
  m.commit_seconds.observe(elapsed.count());
  m.batch_size.observe(static_cast<double>(items.size()));
  for (size_t i = 0; i < items.size(); ++i) {
    if (failures[i]) {
      items[i].promise.deliver(*failures[i]);
      m.jobs_failed.inc();
    } else {
      items[i].promise.deliver(caf::unit);
      m.jobs_ok.inc();
    }
  }
  return true;
}

}  // namespace

worker_state::worker_state() = default;
worker_state::~worker_state() = default;

store_worker_actor::behavior_type store_worker_impl(self_ptr self, worker_args args) {
  try {
    self->state.sql = open_session(args.target, args.cfg);
    self->state.statements = std::make_unique<statement_cache>(*self->state.sql);
  } catch (...) {
    auto f = classify_current_exception();
    spdlog::warn("store worker {}: cannot connect to {}: {}", args.index, args.target.display,
                 f.message);
    self->quit(caf::make_error(errc::db_unavailable));
    return store_worker_actor::behavior_type::make_empty_behavior();
  }
  auto m = std::make_shared<worker_metrics>(args.index);
  self->state.last_used = self->clock().now();
  self->send(args.supervisor, ready_atom::value, args.index);
  self->delayed_send(self, args.cfg.ping_interval, tick_atom::value);

  // Commits what is queued; on a lost connection the worker quits for its supervisor.
  auto flush = [=] {
    auto& st = self->state;
    st.flush_scheduled = false;
    if (st.batch.empty()) return;
    st.last_used = self->clock().now();
    if (!run_batch(self, args, *m)) self->quit(caf::make_error(errc::db_unavailable));
    m->queue_depth.set(static_cast<int64_t>(self->mailbox().size()));
  };

  return {
      [=](store_atom, store_job_ptr& job) -> caf::result<void> {
        auto& st = self->state;
        auto rp = self->make_response_promise();
        st.batch.push_back({std::move(job), rp});
        m->queue_depth.set(static_cast<int64_t>(self->mailbox().size() + st.batch.size()));
        if (st.batch.size() >= args.cfg.max_batch) {
          flush();
        } else if (!st.flush_scheduled) {
          // Lands behind everything already queued: the batch takes all of it.
          st.flush_scheduled = true;
          self->send(self, flush_atom::value);
        }
        return caf::delegated<void>();
      },
      [=](flush_atom) { flush(); },
      [=](drain_atom) { flush(); },
      [=](tick_atom) {
        auto& st = self->state;
        if (st.batch.empty() && self->clock().now() - st.last_used >= args.cfg.ping_interval) {
          if (!connection_alive(*st.sql)) {
            spdlog::warn("store worker {}: connection to {} lost", args.index, args.target.display);
            self->quit(caf::make_error(errc::db_unavailable));
            return;
          }
          st.last_used = self->clock().now();
        }
        self->delayed_send(self, args.cfg.ping_interval, tick_atom::value);
      },
  };
}

}  // namespace sb::persistence
