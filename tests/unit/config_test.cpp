#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "config/config_error.hpp"
#include "config/ground/logging.hpp"
#include "config/keys.hpp"
#include "config/load.hpp"
#include "tests/support/temp_dir.hpp"

using namespace sb::config;

namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(const std::vector<std::string>& args, std::map<std::string, std::string> env) {
  try {
    load(args, fake_env(std::move(env)));
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("defaults apply when nothing is configured", "[config]") {
  auto inv = load({}, fake_env({}));
  CHECK(inv.command == "serve");
  CHECK(inv.config.port == 8080);
  CHECK(inv.config.database.url == "sqlite:switchboard.db");
  CHECK(inv.config.log.level == "info");
  CHECK_FALSE(inv.config.log.json);
}

TEST_CASE("a TOML file, then the environment, then flags take precedence", "[config]") {
  sb::test::temp_dir dir;
  auto path = dir.file("node.toml");
  std::ofstream(path) << "[server]\nport = 9000\nenvironment = \"sandbox\"\n"
                         "[log]\nlevel = \"warn\"\njson = true\n"
                         "[ws]\nmax_inflight = 7\n";
  auto from_file = load({"--config", path}, fake_env({}));
  CHECK(from_file.config.port == 9000);
  CHECK(from_file.config.environment == "sandbox");
  CHECK(from_file.config.log.level == "warn");
  CHECK(from_file.config.log.json);
  CHECK(from_file.config.ws.max_inflight == 7);

  auto with_env = load({"--config=" + path}, fake_env({{"PORT", "9100"}, {"JSON_LOGS", "no"}}));
  CHECK(with_env.config.port == 9100);
  CHECK_FALSE(with_env.config.log.json);
  CHECK(with_env.config.log.level == "warn");

  auto with_flag =
      load({"--config", path, "--server-port", "9200", "migrate"}, fake_env({{"PORT", "9100"}}));
  CHECK(with_flag.config.port == 9200);
  CHECK(with_flag.command == "migrate");

  auto via_env_file = load({}, fake_env({{"SWITCHBOARD_CONFIG", path}}));
  CHECK(via_env_file.config.port == 9000);
}

TEST_CASE("a bad value names its key and where it came from", "[config]") {
  CHECK(error_of({}, {{"PORT", "80a"}}) ==
        "server.port (environment variable PORT): expected an integer between 0 and 65535, "
        "got '80a'");
  CHECK(error_of({"--server-port=70000"}, {}) ==
        "server.port (option --server-port): expected an integer between 0 and 65535, got "
        "'70000'");
  CHECK(error_of({}, {{"LOG_LEVEL", "loud"}})
            .starts_with("log.level (environment variable "
                         "LOG_LEVEL): expected one of trace"));
  CHECK(error_of({}, {{"JSON_LOGS", "maybe"}}).starts_with("log.json (environment variable"));
  CHECK(error_of({}, {{"DATABASE_URL", "mysql://x"}})
            .starts_with("database.url (environment variable DATABASE_URL): expected sqlite:"));
}

TEST_CASE("secrets in a rejected DATABASE_URL are not echoed", "[config]") {
  auto err = error_of({}, {{"DATABASE_URL", "mysql://u:hunter2@h/db"}});
  CHECK(err.find("hunter2") == std::string::npos);
  CHECK(err.find("***") != std::string::npos);
}

TEST_CASE("a URL's password is masked in the authority and in password=", "[config]") {
  CHECK(sb::redact_url("postgresql://u:hunter2@h:5432/db") == "postgresql://u:***@h:5432/db");
  CHECK(sb::redact_url("postgres://u:p/a:ss@h/db?sslmode=require") ==
        "postgres://u:***@h/db?sslmode=require");
  CHECK(sb::redact_url("postgresql://h/db?user=u&password=s3cret&x=1") ==
        "postgresql://h/db?user=u&password=***&x=1");
  CHECK(sb::redact_url("host=h password=s3cret dbname=d") == "host=h password=*** dbname=d");
  CHECK(sb::redact_url("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(sb::redact_url("postgresql://h:5432/db") == "postgresql://h:5432/db");
  CHECK(sb::redact_url("1x://u:p@h") == "1x://u:p@h");  // not a scheme: left as it is
  // Linear: a megabyte of userinfo is masked, not backtracked over.
  std::string long_secret(1 << 20, 'x');
  CHECK(sb::redact_url("postgresql://u:" + long_secret + "@h/db") == "postgresql://u:***@h/db");
}

TEST_CASE("unknown keys, options and commands are refused", "[config]") {
  sb::test::temp_dir dir;
  auto path = dir.file("bad.toml");
  std::ofstream(path) << "[server]\nprot = 1\n";
  CHECK(error_of({"--config", path}, {}) == "server.prot (config file " + path + "): unknown key");
  CHECK(error_of({"--no-such-thing", "1"}, {}) == "unknown option --no-such-thing (see --help)");
  CHECK(error_of({"launch"}, {}) == "unknown command or argument 'launch' (see --help)");
  CHECK(error_of({"--server-port"}, {}) == "--server-port: missing value");
  std::ofstream(path) << "[server\n";
  CHECK(error_of({"--config", path}, {}).starts_with("config file " + path + ":"));
  CHECK(error_of({"--config", dir.file("missing.toml")}, {}).starts_with("config file "));
  // A quoted key with a dot would read as a table's key, and could name one key twice.
  std::ofstream(path) << "\"server.port\" = 9000\n[server]\nport = 9001\n";
  CHECK(error_of({"--config", path}, {}) ==
        "\"server.port\" (config file " + path +
            "): a key must not hold a dot; write it as a table");
}

TEST_CASE("rules across keys are checked", "[config]") {
  CHECK(error_of({}, {{"PING_INTERVAL", "1000"}, {"WS_IDLE_TIMEOUT", "1000"}})
            .starts_with("ws.idle_timeout_ms: must be longer than ws.ping_interval_ms"));
  CHECK(error_of({}, {{"WS_OUTBOUND_QUEUE_BYTES", "2048"}, {"WS_DROPPABLE_QUEUE_BYTES", "4096"}})
            .starts_with("ws.droppable_queue_bytes: must not exceed"));
}

TEST_CASE("--help documents every key with its variable and flag", "[config]") {
  auto text = help_text();
  for (const auto& key : all_keys()) {
    CHECK(text.find(key.key) != std::string::npos);
    CHECK(text.find(key.env) != std::string::npos);
    CHECK(text.find(key.flag()) != std::string::npos);
  }
  CHECK(load({"--help"}, fake_env({{"PORT", "bad"}})).help);
}

TEST_CASE("docs/operations.md documents every key", "[config][docs]") {
  std::ifstream in(std::string(SB_SOURCE_DIR) + "/docs/operations.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(doc.empty());
  for (const auto& key : all_keys()) {
    INFO(key.key);
    CHECK(doc.find("| `" + key.key + "` | `" + key.env + "` | `" + key.flag() + "` |") !=
          std::string::npos);
  }
}

TEST_CASE("the seed's DB_* settings make the PostgreSQL URL when DATABASE_URL is absent",
          "[config]") {
  auto inv = load({}, fake_env({{"DB_HOST", "db.internal"},
                                {"DB_PORT", "6432"},
                                {"DB_USER", "crm"},
                                {"DB_PASSWORD", "p@ss:w/rd"},
                                {"DB_NAME", "dialpad"},
                                {"DB_MAX_CLIENTS", "8"}}));
  CHECK(inv.config.database.url == "postgresql://crm:p%40ss%3Aw%2Frd@db.internal:6432/dialpad");
  CHECK(inv.config.database.workers == 8);
  // A socket directory and an IPv6 address are hosts too; missing parts are libpq's defaults.
  CHECK(load({}, fake_env({{"DB_HOST", "/run/postgresql"}})).config.database.url ==
        "postgresql://%2Frun%2Fpostgresql");
  CHECK(load({}, fake_env({{"DB_HOST", "::1"}, {"DB_NAME", "x"}})).config.database.url ==
        "postgresql://[::1]/x");
  // DATABASE_URL wins, DATABASE_WORKERS over DB_MAX_CLIENTS, and flags over both.
  auto explicit_url = load({}, fake_env({{"DATABASE_URL", "sqlite:a.db"}, {"DB_HOST", "h"}}));
  CHECK(explicit_url.config.database.url == "sqlite:a.db");
  CHECK(load({}, fake_env({{"DB_HOST", "h"}, {"DB_MAX_CLIENTS", "8"}, {"DATABASE_WORKERS", "3"}}))
            .config.database.workers == 3);
  CHECK(load({"--database-url", "sqlite:b.db"}, fake_env({{"DB_HOST", "h"}})).config.database.url ==
        "sqlite:b.db");
  CHECK_THAT(error_of({}, {{"DB_HOST", "h"}, {"DB_PORT", "5432x"}}),
             Catch::Contains("DB_PORT") && Catch::Contains("number"));
  CHECK_THAT(error_of({}, {{"DB_HOST", "h"}, {"DB_MAX_CLIENTS", "1000"}}),
             Catch::Contains("DB_MAX_CLIENTS"));
}

TEST_CASE("unsigned webhooks are a development setting, refused in production", "[config]") {
  CHECK(load({}, fake_env({{"DIALPAD_ALLOW_UNSIGNED_WEBHOOKS", "true"}}))
            .config.cti.allow_unsigned_webhooks);
  CHECK_THAT(error_of({}, {{"NODE_ENV", "production"},
                           {"JWT_SECRET", std::string(32, 'j')},
                           {"INTERNAL_API_SECRET", std::string(32, 'i')},
                           {"DIALPAD_ALLOW_UNSIGNED_WEBHOOKS", "true"}}),
             Catch::Contains("DIALPAD_ALLOW_UNSIGNED_WEBHOOKS"));
}

TEST_CASE("token lifetimes take the seeds' durations; JWT_EXPIRES_IN is ACCESS_TOKEN_TTL",
          "[config]") {
  auto ttl = [](std::map<std::string, std::string> env) {
    return load({}, fake_env(std::move(env))).config.auth.access_token_ttl_s;
  };
  CHECK(ttl({{"ACCESS_TOKEN_TTL", "900"}}) == 900);
  CHECK(ttl({{"ACCESS_TOKEN_TTL", "15m"}}) == 900);
  CHECK(ttl({{"ACCESS_TOKEN_TTL", "12h"}}) == 43200);
  CHECK(ttl({{"JWT_EXPIRES_IN", "7d"}}) == 604800);
  CHECK(ttl({{"JWT_EXPIRES_IN", "2 days"}}) == 172800);
  CHECK(ttl({{"JWT_EXPIRES_IN", "1w"}, {"ACCESS_TOKEN_TTL", "600"}}) == 600);
  CHECK(ttl({}) == 900);
  CHECK_THAT(error_of({}, {{"JWT_EXPIRES_IN", "7 fortnights"}}),
             Catch::Contains("JWT_EXPIRES_IN") && Catch::Contains("7d"));
  CHECK_THAT(error_of({}, {{"ACCESS_TOKEN_TTL", "31d"}}), Catch::Contains("ACCESS_TOKEN_TTL"));
  CHECK_THAT(error_of({}, {{"ACCESS_TOKEN_TTL", "10"}}), Catch::Contains("between 30"));
  CHECK_THAT(error_of({}, {{"ACCESS_TOKEN_TTL", "99999999999999999999d"}}),
             Catch::Contains("ACCESS_TOKEN_TTL"));
}
