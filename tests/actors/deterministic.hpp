#pragma once

// A deterministic actor system for tests of actor logic: CAF's test_coordinator runs messages
// and timers only when the test says so, and the store answers inline, inside a real
// transaction on a real (migrated) test database, on the same scheduler. Nothing sleeps.

#include <soci/soci.h>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <memory>
#include <optional>
#include <tuple>

#include "actors/runtime/caf_errc.hpp"
#include "persistence/connection.hpp"
#include "persistence/migrations.hpp"
#include "persistence/store.hpp"
#include "persistence/store_client.hpp"
#include "tests/support/test_database.hpp"

namespace sb::test {

/// A store worker that runs each job at once, in a transaction of its own.
inline persistence::store_worker_actor::behavior_type inline_store_worker(
    persistence::store_worker_actor::pointer, std::shared_ptr<soci::session> sql) {
  return {
      [sql](store_atom, const persistence::store_job_ptr& job) -> caf::result<void> {
        try {
          soci::transaction tx(*sql);
          job->execute(*sql);
          tx.commit();
          return caf::unit;
        } catch (const persistence::store_error& e) {
          return caf::make_error(e.code(), e.what());
        }
      },
      [](drain_atom) {},
      [](flush_atom) {},
      [](tick_atom) {},
  };
}

struct deterministic_system {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return cfg;
  }

  deterministic_system()
      : sys(prepare(cfg)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
        sql(db.connect()) {
    // Live actors (a group holding its floor, its timers pending) need a running scheduler to
    // terminate; this one runs only when told, so the system must not wait for them.
    sys.await_actors_before_shutdown(false);
    auto target = config::parse_database_url(db.url());
    persistence::migrate(*sql, target.kind);
    auto backend = std::make_shared<persistence::store>(target, 1);
    backend->publish(0, sys.spawn(inline_store_worker, sql));
    store = persistence::store_client{backend, std::chrono::seconds(5)};
  }

  ~deterministic_system() { sched.run(); }

  /// Runs every message that is due (not the timers).
  size_t run() { return sched.run(); }

  /// Moves the test clock on by `d`, fires the timers that came due, runs what they caused.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    run();
  }

  /// Asks `to` and runs the system until the answer: the answer, or nullopt on an error.
  template <class... Rs, class Handle, class... Ts>
  std::optional<std::tuple<Rs...>> ask(const Handle& to, Ts&&... xs) {
    auto out = std::make_shared<std::optional<std::tuple<Rs...>>>();
    sys.spawn([=](caf::event_based_actor* self) {
      self->request(to, caf::infinite, xs...)
          .then([out](Rs&... rs) { *out = std::make_tuple(rs...); }, [](caf::error&) {});
    });
    run();
    return *out;
  }

  test_database db;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<soci::session> sql;  ///< the test's own connection (setup and checks)
  persistence::store_client store;
};

}  // namespace sb::test
