#include "persistence/connection.hpp"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

namespace sb::persistence {

namespace {

std::string sqlite_connect_string(const std::string& path) {
  // soci's parser accepts double-quoted values, which keeps paths with spaces intact.
  return fmt::format("db=\"{}\" timeout=5 shared_cache=false", path);
}

std::string pg_connect_string(const std::string& url, uint32_t connect_timeout_s) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}connect_timeout={}", url, sep, connect_timeout_s);
}

bool sqlite_code_means_unavailable(int code) {
  switch (code & 0xff) {  // primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

bool pg_state_means_unavailable(const std::string& state) {
  // 08: connection exception; 57P0x: server shutting down or not accepting; 53: out of
  // resources (disk full, too many connections).
  return state.starts_with("08") || state.starts_with("57P") || state.starts_with("53");
}

}  // namespace

std::unique_ptr<soci::session> open_session(const config::database_target& target,
                                            const config::database_config& cfg) {
  if (target.kind == config::dialect::sqlite) {
    auto sql = std::make_unique<soci::session>(*soci::factory_sqlite3(),
                                               sqlite_connect_string(target.location));
    std::string mode;
    *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
    *sql << "PRAGMA foreign_keys=ON";
    *sql << "PRAGMA synchronous=" << cfg.sqlite_synchronous;
    return sql;
  }
  auto sql = std::make_unique<soci::session>(
      *soci::factory_postgresql(), pg_connect_string(target.location, cfg.connect_timeout_s));
  *sql << "SET TIME ZONE 'UTC'";
  return sql;
}

failure classify_current_exception() {
  using scope = failure_scope;
  try {
    throw;
  } catch (const store_error& e) {
    return {scope::job, e.code(), e.what(), true};
  } catch (const soci::postgresql_soci_error& e) {
    std::string state = e.sqlstate();
    // A full disk fails writes, not the connection: reads go on through it.
    if (state == "53100") return {scope::job, errc::storage_full, e.what()};
    if (e.get_error_category() == soci::soci_error::connection_error ||
        e.get_error_category() == soci::soci_error::unknown_transaction_state ||
        pg_state_means_unavailable(state)) {
      return {scope::connection, errc::db_unavailable, e.what()};
    }
    if (state.starts_with("23")) return {scope::job, errc::conflict, e.what()};
    return {scope::job, errc::internal, e.what()};
  } catch (const soci::sqlite3_soci_error& e) {
    if ((e.result() & 0xff) == SQLITE_FULL) return {scope::job, errc::storage_full, e.what()};
    if (sqlite_code_means_unavailable(e.result())) {
      return {scope::connection, errc::db_unavailable, e.what()};
    }
    if ((e.result() & 0xff) == SQLITE_CONSTRAINT) return {scope::job, errc::conflict, e.what()};
    return {scope::job, errc::internal, e.what()};
  } catch (const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error ||
        e.get_error_category() == soci::soci_error::unknown_transaction_state) {
      return {scope::connection, errc::db_unavailable, e.what()};
    }
    return {scope::job, errc::internal, e.what()};
  } catch (const std::exception& e) {
    return {scope::job, errc::internal, e.what()};
  } catch (...) {
    return {scope::job, errc::internal, "unknown exception"};
  }
}

}  // namespace sb::persistence
