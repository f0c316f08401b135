#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/database_url.hpp"
#include "tests/support/temp_dir.hpp"

namespace soci {
class session;
}

namespace sb::test {

/// The dialect under test: SB_TEST_DB=sqlite (default) or postgresql. The PostgreSQL run needs
/// the server started by tools/test.sh, described by SB_TEST_PG_HOST (socket directory),
/// SB_TEST_PG_PORT, SB_TEST_PG_USER and SB_TEST_PG_CTL (a script taking start or stop).
config::dialect dialect_under_test();

/// A fresh, empty database for one test: a new SQLite file, or a new PostgreSQL database that
/// is dropped afterwards.
class test_database {
 public:
  test_database();
  /// A fresh SQLite database in `sqlite_dir`, a directory the test controls (a small
  /// filesystem, say), whatever dialect is under test.
  explicit test_database(const std::string& sqlite_dir);
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  /// DATABASE_URL for the server under test.
  const std::string& url() const { return url_; }
  config::dialect dialect() const { return dialect_; }
  /// The PostgreSQL database's name (empty for SQLite).
  const std::string& name() const { return name_; }

  /// `env` with DATABASE_URL pointing here.
  std::map<std::string, std::string> env_with(std::map<std::string, std::string> env) const {
    env["DATABASE_URL"] = url_;
    return env;
  }

  /// A direct connection, to check what the server committed.
  std::unique_ptr<soci::session> connect() const;

 private:
  config::dialect dialect_;
  temp_dir dir_;
  std::string name_;
  std::string url_;
};

/// Stops / starts the test PostgreSQL server (fast shutdown: connections are cut).
void stop_postgres();
void start_postgres();

}  // namespace sb::test
