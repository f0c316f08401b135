#pragma once

#include <string>
#include <vector>

#include "config/database_url.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// One versioned schema change. Files live in persistence/migrations/<dialect>/NNNN_name.sql,
/// with the same numbers in both dialects, and are compiled into the binary.
struct migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<migration>& sqlite_migrations();
const std::vector<migration>& postgresql_migrations();
const std::vector<migration>& migrations_for(config::dialect d);

/// What `migrate` did.
struct migration_report {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;
};

/// Applies every missing migration, each in its own transaction, recording it in
/// `schema_migrations`. Safe to run twice and from several processes at once: PostgreSQL
/// serializes on an advisory lock, SQLite on `BEGIN IMMEDIATE`. Refuses (throws
/// std::runtime_error) when the database is newer than this binary.
migration_report migrate(soci::session& sql, config::dialect d);

/// As above with an explicit list (tests use it to check that a failing migration rolls back).
migration_report migrate(soci::session& sql, config::dialect d, const std::vector<migration>& list);

/// Highest applied version, 0 for an empty database.
int schema_version(soci::session& sql);

/// Splits a migration file into statements at top-level semicolons (outside quotes and
/// comments). Exposed for tests.
std::vector<std::string> split_statements(const std::string& sql);

}  // namespace sb::persistence
