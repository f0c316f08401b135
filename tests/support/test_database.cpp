#include "tests/support/test_database.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

#include "config/node_config.hpp"
#include "persistence/connection.hpp"

namespace sb::test {

namespace {

std::string env_or_fail(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    throw std::runtime_error(fmt::format(
        "{} is not set: PostgreSQL tests run through tools/test.sh, which starts the server",
        name));
  }
  return v;
}

std::string pg_url(const std::string& db) {
  return fmt::format("postgresql://{}@/{}?host={}&port={}", env_or_fail("SB_TEST_PG_USER"), db,
                     env_or_fail("SB_TEST_PG_HOST"), env_or_fail("SB_TEST_PG_PORT"));
}

std::unique_ptr<soci::session> open(const std::string& url) {
  return persistence::open_session(config::parse_database_url(url), config::database_config{});
}

void run_pg_ctl(const char* action) {
  auto cmd = env_or_fail("SB_TEST_PG_CTL") + " " + action + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
}

}  // namespace

config::dialect dialect_under_test() {
  const char* v = std::getenv("SB_TEST_DB");
  if (!v || std::string(v) == "sqlite") return config::dialect::sqlite;
  if (std::string(v) == "postgresql") return config::dialect::postgresql;
  throw std::runtime_error(fmt::format("SB_TEST_DB must be sqlite or postgresql, not {}", v));
}

test_database::test_database() : dialect_(dialect_under_test()) {
  if (dialect_ == config::dialect::sqlite) {
    url_ = "sqlite:" + dir_.file("test.db");
    return;
  }
  std::random_device rd;
  name_ = fmt::format("sbt_{:016x}", (uint64_t{rd()} << 32) | rd());
  auto admin = open(pg_url("postgres"));
  *admin << "CREATE DATABASE " << name_;
  url_ = pg_url(name_);
}

test_database::test_database(const std::string& sqlite_dir)
    : dialect_(config::dialect::sqlite), url_("sqlite:" + sqlite_dir + "/test.db") {}

test_database::~test_database() {
  if (name_.empty()) return;
  try {
    auto admin = open(pg_url("postgres"));
    *admin << "DROP DATABASE IF EXISTS " << name_ << " WITH (FORCE)";
  } catch (...) {
    // The server may be down at the end of a failed test; the temp cluster is removed anyway.
  }
}

std::unique_ptr<soci::session> test_database::connect() const {
  return open(url_);
}

void stop_postgres() {
  run_pg_ctl("stop");
}
void start_postgres() {
  run_pg_ctl("start");
}

}  // namespace sb::test
