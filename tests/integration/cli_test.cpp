#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;

TEST_CASE("--help and --version answer and exit 0", "[cli]") {
  auto help = run_switchboard({"--help"}, {});
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Usage: switchboard [serve|migrate]") != std::string::npos);
  CHECK(help.output.find("DATABASE_URL") != std::string::npos);
  CHECK(help.output.find("--server-port") != std::string::npos);
  auto version = run_switchboard({"--version"}, {});
  CHECK(version.exit_code == 0);
  CHECK(version.output.starts_with("switchboard "));
}

TEST_CASE("a bad setting stops the start with a message naming the key", "[cli]") {
  auto bad = run_switchboard({}, {{"PORT", "eighty"}});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("configuration error: server.port (environment variable PORT)") !=
        std::string::npos);
  auto flag = run_switchboard({"--ws-max-inflight", "0"}, {});
  CHECK(flag.exit_code == 2);
  CHECK(flag.output.find("ws.max_inflight (option --ws-max-inflight)") != std::string::npos);
}

TEST_CASE("migrate applies the schema and is safe to run twice", "[cli]") {
  test_database db;
  auto first = run_switchboard({"migrate"}, {{"DATABASE_URL", db.url()}});
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(first.output.find("migrations applied") != std::string::npos);
  auto second = run_switchboard({"migrate"}, {{"DATABASE_URL", db.url()}});
  CHECK(second.exit_code == 0);
  CHECK(second.output.find("(0 migrations applied)") != std::string::npos);
  auto sql = db.connect();
  int notes_tables = 0;
  *sql << "SELECT COUNT(*) FROM notes", soci::into(notes_tables);
  CHECK(notes_tables == 0);
}

TEST_CASE("an unusable database fails the start with a clear error", "[cli]") {
  auto r = run_switchboard({"migrate"}, {{"DATABASE_URL", "sqlite:/nonexistent-dir/x.db"}});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("migration of sqlite:/nonexistent-dir/x.db failed") != std::string::npos);
}

TEST_CASE("password in DATABASE_URL never reaches the log", "[cli]") {
  auto r = run_switchboard(
      {"migrate"},
      {{"DATABASE_URL", "postgresql://sb:topsecret@127.0.0.1:1/none?connect_timeout=1"},
       {"DATABASE_STARTUP_TIMEOUT", "0"}});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("topsecret") == std::string::npos);
  CHECK(r.output.find("sb:***@") != std::string::npos);
}

TEST_CASE("with DB_* set and no DATABASE_URL the node goes to PostgreSQL or nowhere", "[cli]") {
  auto r = run_switchboard({"migrate"}, {{"DB_HOST", "127.0.0.1"},
                                         {"DB_PORT", "1"},
                                         {"DB_USER", "crm"},
                                         {"DB_PASSWORD", "topsecret"},
                                         {"DB_NAME", "calls"},
                                         {"DATABASE_STARTUP_TIMEOUT", "0"}});
  INFO(r.output);
  CHECK(r.exit_code == 1);  // not SQLite: nothing listens on port 1
  CHECK(r.output.find("postgresql://crm:***@127.0.0.1:1/calls") != std::string::npos);
  CHECK(r.output.find("topsecret") == std::string::npos);
}

TEST_CASE("file, environment and flags configure a running node in that order", "[cli]") {
  test_database db;
  temp_dir dir;
  auto path = dir.file("node.toml");
  std::ofstream(path) << "[server]\nenvironment = \"sandbox\"\n";
  auto environment_of = [&](env_map env, std::vector<std::string> args) {
    env["DATABASE_URL"] = db.url();
    server_process server(env, args);
    return std::string(
        http_request(server.port(), "GET", "/health").json().at("environment").as_string());
  };
  CHECK(environment_of({}, {"--config", path}) == "sandbox");
  CHECK(environment_of({{"NODE_ENV", "test"}}, {"--config", path}) == "test");
  CHECK(environment_of({{"NODE_ENV", "test"}},
                       {"--config", path, "--server-environment", "production"}) == "production");
}

TEST_CASE("JSON_LOGS writes one JSON object per line", "[cli]") {
  test_database db;
  auto r = run_switchboard({"migrate"}, {{"DATABASE_URL", db.url()}, {"JSON_LOGS", "true"}});
  CHECK(r.exit_code == 0);
  std::istringstream lines(r.output);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    auto obj = boost::json::parse(line).as_object();
    CHECK(obj.at("level").is_string());
    CHECK(obj.at("msg").is_string());
    CHECK(obj.at("ts").as_string().ends_with("Z"));
    ++count;
  }
  CHECK(count >= 1);
}
