#include "config/load.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>

#include "config/config_error.hpp"
#include "config/database_url.hpp"
#include "config/keys.hpp"
#include "config/toml_file.hpp"

namespace sb::config {

namespace {

void apply(node_config& cfg, const key_spec& key, std::string_view value, std::string_view source) {
  try {
    key.set(cfg, value);
  } catch (const std::invalid_argument& e) {
    throw config_error(fmt::format("{} ({}): {}", key.key, source, e.what()));
  }
}

// Rules that involve more than one key.
void validate(const node_config& cfg) {
  if (cfg.ws.idle_timeout <= cfg.ws.ping_interval) {
    throw config_error(fmt::format(
        "ws.idle_timeout_ms: must be longer than ws.ping_interval_ms ({} ms), got {} ms",
        cfg.ws.ping_interval.count(), cfg.ws.idle_timeout.count()));
  }
  if (cfg.ws.droppable_queue_bytes > cfg.ws.outbound_queue_bytes) {
    throw config_error(fmt::format(
        "ws.droppable_queue_bytes: must not exceed ws.outbound_queue_bytes ({}), got {}",
        cfg.ws.outbound_queue_bytes, cfg.ws.droppable_queue_bytes));
  }
  if (cfg.database.backoff_initial > cfg.database.backoff_max) {
    throw config_error("database.backoff_initial_ms: must not exceed database.backoff_max_ms");
  }
  if (cfg.environment == "production") {
    // Short or missing secrets are guessable; a production node refuses to run with them.
    if (cfg.auth.jwt_secret.size() < 32) {
      throw config_error("auth.jwt_secret (JWT_SECRET): production needs at least 32 characters");
    }
    if (cfg.auth.internal_api_secret.size() < 32) {
      throw config_error(
          "auth.internal_api_secret (INTERNAL_API_SECRET): production needs at least 32 "
          "characters");
    }
    if (cfg.cluster.enabled && cfg.cluster.secret.size() < 32) {
      throw config_error(
          "cluster.secret (CLUSTER_SECRET): production needs at least 32 characters");
    }
    if (cfg.cti.allow_unsigned_webhooks) {
      throw config_error(
          "cti.allow_unsigned_webhooks (DIALPAD_ALLOW_UNSIGNED_WEBHOOKS): anyone could post "
          "events; not in production");
    }
  }
  if (cfg.cluster.enabled) {
    if (parse_database_url(cfg.database.url).kind != dialect::postgresql) {
      throw config_error(
          "cluster.enabled (CLUSTER_ENABLED): a cluster's nodes share one PostgreSQL database; "
          "set DATABASE_URL to it (SQLite is one node's)");
    }
    if (cfg.cluster.secret.empty()) {
      throw config_error(
          "cluster.secret (CLUSTER_SECRET): every member needs the cluster's secret");
    }
    if (cfg.cluster.timeout <= cfg.cluster.heartbeat) {
      throw config_error("cluster.timeout_ms: must exceed cluster.heartbeat_ms");
    }
  }
  if (cfg.calls.matrix_auth && cfg.calls.matrix_homeserver_url.empty()) {
    throw config_error(
        "calls.matrix_auth (MATRIX_AUTH_ENABLED): Matrix tokens are checked with the homeserver; "
        "set MATRIX_HOMESERVER_URL");
  }
  if (!cfg.ptt.dropin_tenant.empty() && cfg.ptt.router_jwt_secret.empty() &&
      cfg.ptt.secret_key.empty()) {
    throw config_error(
        "ptt.dropin_tenant (VOICEPING_DROPIN_TENANT): the drop-in router mode trusts tokens "
        "signed with the router secret; set ROUTER_JWT_SECRET (or SECRET_KEY) to the issuer's");
  }
  if (cfg.auth.bootstrap_admin_email.empty() != cfg.auth.bootstrap_admin_password.empty()) {
    throw config_error(
        "auth.bootstrap_admin_email: BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD go "
        "together");
  }
}

// The CTI seed names its PostgreSQL server by parts (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD,
// DB_NAME, DB_MAX_CLIENTS): they make the connection when DATABASE_URL does not, so a node
// set up that way reaches that server or fails, never SQLite.
void apply_database_parts(node_config& cfg, const env_lookup& env) {
  database_parts parts{env("DB_HOST"), env("DB_PORT"), env("DB_USER"), env("DB_PASSWORD"),
                       env("DB_NAME")};
  if (!parts.any() || env("DATABASE_URL")) return;
  try {
    apply(cfg, *find_key("database.url"), postgresql_url(parts), "environment variables DB_*");
  } catch (const std::invalid_argument& e) {
    throw config_error(fmt::format("DB_PORT (environment variable): {}", e.what()));
  }
  if (auto max = env("DB_MAX_CLIENTS"); max && !env("DATABASE_WORKERS")) {
    apply(cfg, *find_key("database.workers"), *max, "environment variable DB_MAX_CLIENTS");
  }
}

// Splits "--key=value" or "--key value"; advances `i` past a consumed value.
std::pair<std::string, std::string> flag_and_value(const std::vector<std::string>& args,
                                                   size_t& i) {
  const auto& arg = args[i];
  if (auto eq = arg.find('='); eq != std::string::npos) {
    return {arg.substr(0, eq), arg.substr(eq + 1)};
  }
  if (i + 1 >= args.size()) throw config_error(fmt::format("{}: missing value", arg));
  return {arg, args[++i]};
}

}  // namespace

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

invocation load(const std::vector<std::string>& args, const env_lookup& env) {
  invocation out;
  std::optional<std::string> config_path = env("SWITCHBOARD_CONFIG");
  std::vector<std::pair<const key_spec*, std::pair<std::string, std::string>>> flags;
  bool command_seen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
    } else if (arg == "-V" || arg == "--version") {
      out.version = true;
    } else if (arg == "--config" || arg.starts_with("--config=")) {
      config_path = flag_and_value(args, i).second;
    } else if (arg.starts_with("--")) {
      auto fv = flag_and_value(args, i);
      const key_spec* key = find_flag(fv.first);
      if (!key) throw config_error(fmt::format("unknown option {} (see --help)", fv.first));
      flags.push_back({key, std::move(fv)});
    } else if (!command_seen && (arg == "serve" || arg == "migrate")) {
      out.command = arg;
      command_seen = true;
    } else {
      throw config_error(fmt::format("unknown command or argument '{}' (see --help)", arg));
    }
  }
  if (out.help || out.version) return out;
  if (config_path) {
    for (const auto& [key_name, value] : read_toml_file(*config_path)) {
      const key_spec* key = find_key(key_name);
      if (!key) {
        throw config_error(fmt::format("{} (config file {}): unknown key", key_name, *config_path));
      }
      apply(out.config, *key, value, "config file " + *config_path);
    }
  }
  for (const auto& key : all_keys()) {
    if (auto value = env(key.env))
      apply(out.config, key, *value, "environment variable " + key.env);
  }
  apply_database_parts(out.config, env);
  // The softphone seed's name for the access-token lifetime ("7d").
  if (auto expires = env("JWT_EXPIRES_IN"); expires && !env("ACCESS_TOKEN_TTL")) {
    apply(out.config, *find_key("auth.access_token_ttl_s"), *expires,
          "environment variable JWT_EXPIRES_IN");
  }
  for (const auto& [key, fv] : flags) apply(out.config, *key, fv.second, "option " + fv.first);
  validate(out.config);
  return out;
}

std::string help_text() {
  node_config defaults;
  std::string out =
      "Usage: switchboard [serve|migrate] [--config FILE] [--KEY VALUE]...\n"
      "\n"
      "Commands:\n"
      "  serve     run the node (default)\n"
      "  migrate   apply database migrations and exit\n"
      "\n"
      "Options:\n"
      "  --config FILE   TOML configuration file (also SWITCHBOARD_CONFIG)\n"
      "  -h, --help      print this help and exit\n"
      "  -V, --version   print the version and exit\n"
      "\n"
      "Settings (TOML key, environment variable, flag; flags beat the environment,\n"
      "which beats the file):\n";
  for (const auto& key : all_keys()) {
    out += fmt::format("  {:<28} {:<26} {}\n      {} (default: {})\n", key.key, key.env, key.flag(),
                       key.help, key.get(defaults));
  }
  return out;
}

}  // namespace sb::config
