#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "actors/runtime/caf_errc.hpp"
#include "persistence/connection.hpp"
#include "persistence/migrations.hpp"
#include "persistence/store.hpp"
#include "tests/support/test_database.hpp"

namespace sb::test {

/// A real actor system with a migrated test database and a running store.
struct store_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }

  explicit store_fixture(config::database_config db_cfg = fast_config())
      : sys(prepare(actor_cfg)), db_cfg(db_cfg) {
    auto target = config::parse_database_url(db.url());
    auto sql = db.connect();
    persistence::migrate(*sql, target.kind);
    store = persistence::start_store(sys, target, db_cfg);
    wait_for([&] { return store->live_workers() == store->workers(); });
  }

  ~store_fixture() { caf::anon_send_exit(store->supervisor(), caf::exit_reason::user_shutdown); }

  static config::database_config fast_config() {
    config::database_config c;
    c.backoff_initial = std::chrono::milliseconds(50);
    c.backoff_max = std::chrono::milliseconds(500);
    c.request_timeout = std::chrono::seconds(10);
    return c;
  }

  template <class Pred>
  static bool wait_for(Pred p, std::chrono::seconds limit = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!p()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  test_database db;
  caf::actor_system_config actor_cfg;
  caf::actor_system sys;
  config::database_config db_cfg;
  persistence::store_ptr store;
};

}  // namespace sb::test
