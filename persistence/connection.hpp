#pragma once

#include <exception>
#include <memory>
#include <string>

#include "config/database_url.hpp"
#include "config/ground/errc.hpp"
#include "config/node_config.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// Opens one connection and prepares it: SQLite gets WAL, foreign keys, a busy timeout and the
/// configured `synchronous`; PostgreSQL gets a connect timeout and the UTC time zone.
/// Throws (soci::soci_error) when the database cannot be reached.
std::unique_ptr<soci::session> open_session(const config::database_target& target,
                                            const config::database_config& cfg);

/// A failure raised by a job on purpose, e.g. "not found": it fails that job alone. Its message
/// is written for clients and reaches them (as the error's context); other failures' messages
/// stay in the log.
class store_error : public std::runtime_error {
 public:
  store_error(errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

/// How far a database failure reaches.
enum class failure_scope {
  connection,  ///< the connection is unusable: fail the whole batch, reconnect
  job,         ///< only the job that raised it fails (constraint, bad data, store_error)
};

/// How a store worker must react to an exception from the database.
struct failure {
  failure_scope scope;
  errc code;                 ///< what the requester is told
  std::string message;       ///< for the log; may contain SQL
  bool client_safe = false;  ///< `message` may be shown to the client (store_error only)
};

/// Classifies the exception currently being handled (call inside a catch block). A plain
/// soci_error is classified as a job failure; the worker confirms with a connection check
/// whether it was really the connection that broke.
failure classify_current_exception();

}  // namespace sb::persistence
