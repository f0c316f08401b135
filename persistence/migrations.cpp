#include "persistence/migrations.hpp"

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "config/ground/clock.hpp"

namespace sb::persistence {

namespace {

// Arbitrary constant naming Switchboard's migration lock among PostgreSQL advisory locks.
constexpr long long kAdvisoryLockKey = 0x5357424452444d47;  // "SWBDRDMG"

void ensure_version_table(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us BIGINT NOT NULL)";
}

int read_version(soci::session& sql) {
  int version = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

void check_not_newer(int db_version, const std::vector<migration>& list) {
  int known = list.empty() ? 0 : list.back().version;
  if (db_version > known) {
    throw std::runtime_error(fmt::format(
        "database schema version {} is newer than this binary knows ({}); refusing to start "
        "so that no data is damaged: run a newer switchboard",
        db_version, known));
  }
}

void apply_one(soci::session& sql, const migration& m) {
  for (const auto& statement : split_statements(m.sql)) sql << statement;
  int version = m.version;
  std::string name = m.name;
  long long now = now_us();
  sql << "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (:v, :n, :t)",
      soci::use(version), soci::use(name), soci::use(now);
}

// Each missing version in its own transaction; returns the versions applied.
template <class Begin>
std::vector<int> apply_missing(soci::session& sql, const std::vector<migration>& list,
                               Begin begin) {
  std::vector<int> applied;
  for (const auto& m : list) {
    begin();
    try {
      // Re-read inside the transaction: another process may have applied it meanwhile.
      if (read_version(sql) >= m.version) {
        sql << "COMMIT";
        continue;
      }
      apply_one(sql, m);
      sql << "COMMIT";
    } catch (...) {
      try {
        sql << "ROLLBACK";
      } catch (...) {
        // The connection is gone; the server rolls back on its own.
      }
      throw;
    }
    spdlog::info("migration {} ({}) applied", m.version, m.name);
    applied.push_back(m.version);
  }
  return applied;
}

}  // namespace

const std::vector<migration>& migrations_for(config::dialect d) {
  return d == config::dialect::sqlite ? sqlite_migrations() : postgresql_migrations();
}

int schema_version(soci::session& sql) {
  ensure_version_table(sql);
  return read_version(sql);
}

migration_report migrate(soci::session& sql, config::dialect d) {
  return migrate(sql, d, migrations_for(d));
}

migration_report migrate(soci::session& sql, config::dialect d,
                         const std::vector<migration>& list) {
  migration_report report;
  if (d == config::dialect::postgresql) {
    sql << "SELECT pg_advisory_lock(" << kAdvisoryLockKey << ")";
    try {
      ensure_version_table(sql);
      report.from_version = read_version(sql);
      check_not_newer(report.from_version, list);
      report.applied = apply_missing(sql, list, [&] { sql << "BEGIN"; });
    } catch (...) {
      try {
        sql << "SELECT pg_advisory_unlock(" << kAdvisoryLockKey << ")";
      } catch (...) {
        // A lost connection releases the lock anyway.
      }
      throw;
    }
    sql << "SELECT pg_advisory_unlock(" << kAdvisoryLockKey << ")";
  } else {
    ensure_version_table(sql);
    report.from_version = read_version(sql);
    check_not_newer(report.from_version, list);
    // IMMEDIATE takes the write lock at once, so two processes cannot both decide to apply.
    report.applied = apply_missing(sql, list, [&] { sql << "BEGIN IMMEDIATE"; });
  }
  report.to_version = read_version(sql);
  return report;
}

std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    auto first = current.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) out.push_back(current.substr(first));
    current.clear();
  };
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      auto end = sql.find('\n', i);
      i = end == std::string::npos ? sql.size() : end;
      current += '\n';
      continue;
    }
    if (c == '\'' || c == '"') {
      auto end = sql.find(c, i + 1);
      if (end == std::string::npos) end = sql.size() - 1;
      current.append(sql, i, end - i + 1);
      i = end;
      continue;
    }
    if (c == ';') {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return out;
}

}  // namespace sb::persistence
