#pragma once

#include "config/database_url.hpp"
#include "config/node_config.hpp"
#include "persistence/migrations.hpp"

namespace sb {

/// Connects and migrates, retrying with backoff while the database is unreachable, for at most
/// database.startup_timeout_ms. Throws the last error when time runs out, or at once when the
/// schema is newer than this binary.
persistence::migration_report migrate_with_retry(const config::database_target& target,
                                                 const config::database_config& cfg);

}  // namespace sb
