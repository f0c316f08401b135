#include "tools/switchboard/database_startup.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "persistence/connection.hpp"

namespace sb {

persistence::migration_report migrate_with_retry(const config::database_target& target,
                                                 const config::database_config& cfg) {
  auto deadline = std::chrono::steady_clock::now() + cfg.startup_timeout;
  auto delay = cfg.backoff_initial;
  for (;;) {
    try {
      auto sql = persistence::open_session(target, cfg);
      return persistence::migrate(*sql, target.kind);
    } catch (...) {
      // A local SQLite file that cannot be opened will not heal by waiting; a server might.
      auto f = persistence::classify_current_exception();
      bool retry = target.kind == config::dialect::postgresql &&
                   f.scope == persistence::failure_scope::connection &&
                   std::chrono::steady_clock::now() + delay <= deadline;
      if (!retry) throw;
      spdlog::warn("database {} unreachable; retrying in {} ms: {}", target.display, delay.count(),
                   f.message);
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, cfg.backoff_max);
  }
}

}  // namespace sb
