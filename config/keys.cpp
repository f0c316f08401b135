#include "config/keys.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include "config/database_url.hpp"
#include "config/ground/proxy_trust.hpp"

namespace sb::config {

namespace {

uint64_t parse_uint(std::string_view v, uint64_t min, uint64_t max) {
  uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size() || out < min || out > max) {
    throw std::invalid_argument(
        fmt::format("expected an integer between {} and {}, got '{}'", min, max, v));
  }
  return out;
}

/// Seconds, bare ("900") or with a unit as the seeds' `ms`-style durations have them ("15m",
/// "12h", "7d", "2 days", "1w").
uint64_t parse_seconds(std::string_view v, uint64_t min, uint64_t max) {
  static const std::pair<std::string_view, uint64_t> units[] = {
      {"s", 1},         {"sec", 1},     {"secs", 1},     {"second", 1},  {"seconds", 1},
      {"m", 60},        {"min", 60},    {"mins", 60},    {"minute", 60}, {"minutes", 60},
      {"h", 3600},      {"hr", 3600},   {"hrs", 3600},   {"hour", 3600}, {"hours", 3600},
      {"d", 86400},     {"day", 86400}, {"days", 86400}, {"w", 604800},  {"week", 604800},
      {"weeks", 604800}};
  auto bad = [&] {
    return std::invalid_argument(fmt::format(
        "expected seconds between {} and {} (a number, or with a unit: 15m, 12h, 7d), got '{}'",
        min, max, v));
  };
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{}) throw bad();
  auto unit = v.substr(static_cast<size_t>(ptr - v.data()));
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  uint64_t scale = unit.empty() ? 1 : 0;
  for (const auto& [name, seconds] : units) {
    if (name == unit) scale = seconds;
  }
  if (scale == 0 || n > max / scale || n * scale < min || n * scale > max) throw bad();
  return n * scale;
}

bool parse_bool(std::string_view v) {
  static constexpr std::string_view yes[] = {"true", "1", "yes", "on"};
  static constexpr std::string_view no[] = {"false", "0", "no", "off"};
  if (std::find(std::begin(yes), std::end(yes), v) != std::end(yes)) return true;
  if (std::find(std::begin(no), std::end(no), v) != std::end(no)) return false;
  throw std::invalid_argument(fmt::format("expected true or false, got '{}'", v));
}

std::string parse_choice(std::string_view v, std::initializer_list<std::string_view> choices) {
  for (auto c : choices) {
    if (c == v) return std::string(v);
  }
  throw std::invalid_argument(
      fmt::format("expected one of {}, got '{}'", fmt::join(choices, ", "), v));
}

// Builders for the table: `Access` is a lambda returning a reference to the field.

template <class Access>
key_spec uint_key(std::string key, std::string env, std::string help, Access access, uint64_t min,
                  uint64_t max) {
  return {std::move(key), std::move(env), std::move(help),
          [=](node_config& c, std::string_view v) {
            using field = std::remove_reference_t<decltype(access(c))>;
            access(c) = static_cast<field>(parse_uint(v, min, max));
          },
          [=](const node_config& c) { return std::to_string(access(c)); }};
}

template <class Access>
key_spec seconds_key(std::string key, std::string env, std::string help, Access access,
                     uint64_t min, uint64_t max) {
  return {std::move(key), std::move(env), std::move(help),
          [=](node_config& c, std::string_view v) {
            using field = std::remove_reference_t<decltype(access(c))>;
            access(c) = static_cast<field>(parse_seconds(v, min, max));
          },
          [=](const node_config& c) { return std::to_string(access(c)); }};
}

template <class Access>
key_spec ms_key(std::string key, std::string env, std::string help, Access access, uint64_t min,
                uint64_t max) {
  return {std::move(key), std::move(env), std::move(help),
          [=](node_config& c, std::string_view v) {
            access(c) = milliseconds(static_cast<int64_t>(parse_uint(v, min, max)));
          },
          [=](const node_config& c) { return std::to_string(access(c).count()); }};
}

template <class Access>
key_spec string_key(std::string key, std::string env, std::string help, Access access,
                    std::function<std::string(std::string_view)> parse) {
  return {std::move(key), std::move(env), std::move(help),
          [=](node_config& c, std::string_view v) { access(c) = parse(v); },
          [=](const node_config& c) { return access(c); }};
}

template <class Access>
key_spec bool_key(std::string key, std::string env, std::string help, Access access) {
  return {std::move(key), std::move(env), std::move(help),
          [=](node_config& c, std::string_view v) { access(c) = parse_bool(v); },
          [=](const node_config& c) { return std::string(access(c) ? "true" : "false"); }};
}

std::string any_string(std::string_view v) {
  return std::string(v);
}

std::string non_empty(std::string_view v) {
  if (v.empty()) throw std::invalid_argument("must not be empty");
  return std::string(v);
}

constexpr uint64_t kMaxBytes = uint64_t{1} << 32;  // 4 GiB: more is surely a typo
constexpr uint64_t kMaxMs = 24ull * 3600 * 1000;   // one day

std::vector<key_spec> build_table() {
  std::vector<key_spec> t;
  t.push_back(string_key(
      "server.host", "HOST", "address to listen on", [](auto& x) -> auto& { return x.host; },
      any_string));
  t.push_back(uint_key(
      "server.port", "PORT", "TCP port to listen on (0 = any free port)",
      [](auto& x) -> auto& { return x.port; }, 0, 65535));
  t.push_back(string_key(
      "server.port_file", "PORT_FILE",
      "file to write the bound port to once listening (empty = none)",
      [](auto& x) -> auto& { return x.port_file; }, any_string));
  t.push_back(uint_key(
      "server.io_threads", "IO_THREADS", "threads running network I/O (0 = one per usable CPU)",
      [](auto& x) -> auto& { return x.io_threads; }, 0, 256));
  t.push_back(string_key(
      "server.environment", "NODE_ENV", "development, test, sandbox or production",
      [](auto& x) -> auto& { return x.environment; },
      [](std::string_view v) {
        return parse_choice(v, {"development", "test", "sandbox", "production"});
      }));
  t.push_back(ms_key(
      "server.shutdown_timeout_ms", "SHUTDOWN_TIMEOUT",
      "longest a graceful shutdown waits for clients and the store",
      [](auto& x) -> auto& { return x.shutdown_timeout; }, 0, kMaxMs));
  t.push_back(uint_key(
      "http.body_limit", "HTTP_BODY_LIMIT", "largest request body in bytes",
      [](auto& x) -> auto& { return x.http.body_limit; }, 0, kMaxBytes));
  t.push_back(uint_key(
      "http.header_limit", "HTTP_HEADER_LIMIT", "largest request line plus headers in bytes",
      [](auto& x) -> auto& { return x.http.header_limit; }, 256, 1024 * 1024));
  t.push_back(ms_key(
      "http.request_timeout_ms", "HTTP_REQUEST_TIMEOUT",
      "time allowed to receive one request, and to idle between requests",
      [](auto& x) -> auto& { return x.http.request_timeout; }, 100, kMaxMs));
  t.push_back(ms_key(
      "http.linger_ms", "HTTP_LINGER",
      "after closing, time spent reading and dropping what the client still sends",
      [](auto& x) -> auto& { return x.http.linger; }, 0, kMaxMs));
  t.push_back(uint_key(
      "http.max_connections_per_address", "MAX_CONNECTIONS_PER_ADDRESS",
      "open TCP connections of one client address, both listeners together (0 = no limit)",
      [](auto& x) -> auto& { return x.http.max_connections_per_address; }, 0, 10'000'000));
  t.push_back(string_key(
      "http.cors_origins", "CORS_ORIGIN",
      "origins (scheme://host[:port]) browsers may call the REST API and Socket.IO polling "
      "from, comma-separated, with credentials; * = any origin; empty = none",
      [](auto& x) -> auto& { return x.http.cors_origins; }, any_string));
  t.push_back(string_key(
      "http.trust_proxy", "TRUST_PROXY",
      "reverse proxies believed about the client (X-Forwarded-For, X-Forwarded-Proto): false, "
      "true (all), a number of hops, or addresses and CIDR blocks separated by commas",
      [](auto& x) -> auto& { return x.http.trust_proxy; },
      [](std::string_view v) {
        proxy_trust::parse(v);  // throws std::invalid_argument with the reason
        return std::string(v);
      }));
  t.push_back(uint_key(
      "ws.max_message_bytes", "WS_MAX_MESSAGE_BYTES", "largest inbound WebSocket message in bytes",
      [](auto& x) -> auto& { return x.ws.max_message_bytes; }, 125, kMaxBytes));
  t.push_back(uint_key(
      "ws.outbound_queue_bytes", "WS_OUTBOUND_QUEUE_BYTES",
      "bytes queued for one client before it is closed as too slow (4001)",
      [](auto& x) -> auto& { return x.ws.outbound_queue_bytes; }, 1024, kMaxBytes));
  t.push_back(uint_key(
      "ws.droppable_queue_bytes", "WS_DROPPABLE_QUEUE_BYTES",
      "bytes queued above which droppable frames (audio) are dropped",
      [](auto& x) -> auto& { return x.ws.droppable_queue_bytes; }, 0, kMaxBytes));
  t.push_back(ms_key(
      "ws.ping_interval_ms", "PING_INTERVAL", "period of server pings",
      [](auto& x) -> auto& { return x.ws.ping_interval; }, 10, kMaxMs));
  t.push_back(ms_key(
      "ws.idle_timeout_ms", "WS_IDLE_TIMEOUT",
      "close a connection that sent nothing (not even a pong) for this long (4000, at that moment)",
      [](auto& x) -> auto& { return x.ws.idle_timeout; }, 20, kMaxMs));
  t.push_back(ms_key(
      "ws.close_timeout_ms", "WS_CLOSE_TIMEOUT",
      "wait this long for the peer's close frame before dropping the TCP socket",
      [](auto& x) -> auto& { return x.ws.close_timeout; }, 10, kMaxMs));
  t.push_back(uint_key(
      "ws.max_inflight", "WS_MAX_INFLIGHT",
      "requests one connection may have unanswered before too_many_requests",
      [](auto& x) -> auto& { return x.ws.max_inflight; }, 1, 1'000'000));
  t.push_back(uint_key(
      "ws.control_frames_per_min", "WS_CONTROL_FRAMES_PER_MIN",
      "pings and pongs a client may send per minute before it is closed with 1008 (0 = any)",
      [](auto& x) -> auto& { return x.ws.control_frames_per_min; }, 0, 1'000'000));
  t.push_back(uint_key(
      "ws.max_connections_per_user", "WS_MAX_CONNECTIONS_PER_USER",
      "WebSocket connections one user may hold open (0 = any); more are refused with 429",
      [](auto& x) -> auto& { return x.ws.max_connections_per_user; }, 0, 1'000'000));
  t.push_back(uint_key(
      "ws.max_connections_per_app", "WS_MAX_CONNECTIONS_PER_APP",
      "WebSocket connections one app may hold open (0 = any); more are refused with 429",
      [](auto& x) -> auto& { return x.ws.max_connections_per_app; }, 0, 10'000'000));
  t.push_back(string_key(
      "database.url", "DATABASE_URL", "sqlite:PATH or postgresql://user:pass@host:port/db",
      [](auto& x) -> auto& { return x.database.url; },
      [](std::string_view v) {
        parse_database_url(v);  // throws std::invalid_argument with the reason
        return std::string(v);
      }));
  t.push_back(uint_key(
      "database.workers", "DATABASE_WORKERS",
      "store worker actors, one connection each (0 = 1 on SQLite, 2 on PG)",
      [](auto& x) -> auto& { return x.database.workers; }, 0, 64));
  t.push_back(uint_key(
      "database.max_batch", "DATABASE_MAX_BATCH", "most requests one group commit takes",
      [](auto& x) -> auto& { return x.database.max_batch; }, 1, 100'000));
  t.push_back(ms_key(
      "database.request_timeout_ms", "DATABASE_REQUEST_TIMEOUT",
      "longest a caller waits for the store before answering timeout",
      [](auto& x) -> auto& { return x.database.request_timeout; }, 10, kMaxMs));
  t.push_back(uint_key(
      "database.connect_timeout_s", "DATABASE_CONNECT_TIMEOUT",
      "seconds allowed to open one database connection",
      [](auto& x) -> auto& { return x.database.connect_timeout_s; }, 1, 600));
  t.push_back(ms_key(
      "database.backoff_initial_ms", "DATABASE_BACKOFF_INITIAL",
      "first delay before restarting a failed store worker",
      [](auto& x) -> auto& { return x.database.backoff_initial; }, 1, kMaxMs));
  t.push_back(ms_key(
      "database.backoff_max_ms", "DATABASE_BACKOFF_MAX",
      "longest delay between store worker restarts",
      [](auto& x) -> auto& { return x.database.backoff_max; }, 1, kMaxMs));
  t.push_back(ms_key(
      "database.ping_interval_ms", "DATABASE_PING_INTERVAL",
      "an idle store worker checks its connection this often",
      [](auto& x) -> auto& { return x.database.ping_interval; }, 10, kMaxMs));
  t.push_back(ms_key(
      "database.startup_timeout_ms", "DATABASE_STARTUP_TIMEOUT",
      "how long start-up retries an unreachable database before giving up",
      [](auto& x) -> auto& { return x.database.startup_timeout; }, 0, kMaxMs));
  t.push_back(string_key(
      "database.sqlite_synchronous", "SQLITE_SYNCHRONOUS",
      "SQLite PRAGMA synchronous: full (durable on power loss) or normal",
      [](auto& x) -> auto& { return x.database.sqlite_synchronous; },
      [](std::string_view v) {
        return parse_choice(v, {"full", "normal"});
      }));
  t.push_back(uint_key(
      "actors.scheduler_threads", "SCHEDULER_THREADS",
      "CAF scheduler threads (0 = one per usable CPU)",
      [](auto& x) -> auto& { return x.actors.scheduler_threads; }, 0, 256));
  t.push_back(uint_key(
      "actors.max_throughput", "SCHEDULER_MAX_THROUGHPUT",
      "messages an actor handles before yielding its thread",
      [](auto& x) -> auto& { return x.actors.max_throughput; }, 1, 1'000'000));
  t.push_back(string_key(
      "actors.scheduler_policy", "SCHEDULER_POLICY",
      "sharing (one queue, idle threads sleep) or stealing (per-thread queues that poll)",
      [](auto& x) -> auto& { return x.actors.scheduler_policy; },
      [](std::string_view v) {
        return parse_choice(v, {"sharing", "stealing"});
      }));
  t.push_back(string_key(
      "auth.jwt_secret", "JWT_SECRET",
      "HS256 secret of access tokens (at least 32 characters in production; "
      "empty = random per process)",
      [](auto& x) -> auto& { return x.auth.jwt_secret; }, any_string));
  t.push_back(seconds_key(
      "auth.access_token_ttl_s", "ACCESS_TOKEN_TTL",
      "lifetime of access tokens: seconds, or with a unit (15m, 12h, 7d; at most 30 days: a "
      "token lives until it expires unless its user is suspended or changes password)",
      [](auto& x) -> auto& { return x.auth.access_token_ttl_s; }, 30, 30 * 86400));
  t.push_back(uint_key(
      "auth.refresh_token_ttl_s", "REFRESH_TOKEN_TTL", "lifetime of refresh tokens in seconds",
      [](auto& x) -> auto& { return x.auth.refresh_token_ttl_s; }, 60, 366 * 86400));
  t.push_back(string_key(
      "auth.internal_api_secret", "INTERNAL_API_SECRET",
      "bearer secret of the /internal API (at least 32 characters in "
      "production; empty = /internal refuses everyone)",
      [](auto& x) -> auto& { return x.auth.internal_api_secret; }, any_string));
  t.push_back(string_key(
      "auth.cookie_secure", "SESSION_COOKIE_SECURE",
      "Secure flag of session cookies: auto (on in production), true or false",
      [](auto& x) -> auto& { return x.auth.cookie_secure; },
      [](std::string_view v) {
        return parse_choice(v, {"auto", "true", "false"});
      }));
  t.push_back(uint_key(
      "auth.password_hash_ops", "PASSWORD_HASH_OPS", "argon2id passes per password hash",
      [](auto& x) -> auto& { return x.auth.password_hash_ops; }, 1, 32));
  t.push_back(uint_key(
      "auth.password_hash_memory_kib", "PASSWORD_HASH_MEMORY_KIB",
      "argon2id memory per password hash in KiB",
      [](auto& x) -> auto& { return x.auth.password_hash_memory_kib; }, 8, 4 * 1024 * 1024));
  t.push_back(uint_key(
      "auth.hasher_threads", "PASSWORD_HASH_THREADS",
      "threads hashing passwords (0 = one per usable CPU)",
      [](auto& x) -> auto& { return x.auth.hasher_threads; }, 0, 64));
  t.push_back(uint_key(
      "auth.hasher_max_queue", "PASSWORD_HASH_MAX_QUEUE",
      "password hashes waiting or running at once; more are refused with 503 and Retry-After",
      [](auto& x) -> auto& { return x.auth.hasher_max_queue; }, 1, 100'000));
  t.push_back(uint_key(
      "auth.reset_token_ttl_s", "PASSWORD_RESET_TTL", "lifetime of password reset links in seconds",
      [](auto& x) -> auto& { return x.auth.reset_token_ttl_s; }, 60, 86400));
  t.push_back(uint_key(
      "auth.email_change_ttl_s", "EMAIL_CHANGE_TTL",
      "lifetime of links that confirm a new e-mail address, in seconds",
      [](auto& x) -> auto& { return x.auth.email_change_ttl_s; }, 60, 7 * 86400));
  t.push_back(uint_key(
      "auth.invite_ttl_s", "INVITE_TTL", "default lifetime of invites in seconds",
      [](auto& x) -> auto& { return x.auth.invite_ttl_s; }, 60, 366 * 86400));
  t.push_back(string_key(
      "auth.bootstrap_admin_email", "BOOTSTRAP_ADMIN_EMAIL",
      "on an empty database, create this administrator (with the password "
      "below)",
      [](auto& x) -> auto& { return x.auth.bootstrap_admin_email; }, any_string));
  t.push_back(string_key(
      "auth.bootstrap_admin_password", "BOOTSTRAP_ADMIN_PASSWORD",
      "password of the bootstrap administrator",
      [](auto& x) -> auto& { return x.auth.bootstrap_admin_password; }, any_string));
  t.push_back(bool_key(
      "auth.bootstrap_admin_must_change", "BOOTSTRAP_ADMIN_MUST_CHANGE_PASSWORD",
      "the bootstrap admin must change the password before anything else answers (412); false "
      "when the password comes from a secret store",
      [](auto& x) -> auto& { return x.auth.bootstrap_admin_must_change; }));
  t.push_back(string_key(
      "auth.bootstrap_tenant_name", "BOOTSTRAP_TENANT_NAME",
      "name of the tenant created for the bootstrap administrator",
      [](auto& x) -> auto& { return x.auth.bootstrap_tenant_name; }, any_string));
  t.push_back(string_key(
      "auth.web_base_url", "WEB_BASE_URL", "base URL of the web client, for links in e-mails",
      [](auto& x) -> auto& { return x.auth.web_base_url; }, any_string));
  t.push_back(string_key(
      "smtp.host", "SMTP_HOST", "SMTP server for outgoing mail (empty = mail stays in the outbox)",
      [](auto& x) -> auto& { return x.smtp.host; }, any_string));
  t.push_back(uint_key(
      "smtp.port", "SMTP_PORT", "SMTP port", [](auto& x) -> auto& { return x.smtp.port; }, 1,
      65535));
  t.push_back(string_key(
      "smtp.user", "SMTP_USER", "SMTP user name (empty = no AUTH)",
      [](auto& x) -> auto& { return x.smtp.user; }, any_string));
  t.push_back(string_key(
      "smtp.password", "SMTP_PASS", "SMTP password",
      [](auto& x) -> auto& { return x.smtp.password; }, any_string));
  t.push_back(string_key(
      "smtp.from", "SMTP_FROM", "sender address of outgoing mail",
      [](auto& x) -> auto& { return x.smtp.from; }, any_string));
  t.push_back(string_key(
      "smtp.tls", "SMTP_TLS",
      "auto (STARTTLS when offered), required (STARTTLS or fail), implicit (TLS from the first "
      "byte, port 465) or none",
      [](auto& x) -> auto& { return x.smtp.tls; },
      [](std::string_view v) {
        return parse_choice(v, {"auto", "required", "implicit", "none"});
      }));
  t.push_back(ms_key(
      "smtp.timeout_ms", "SMTP_TIMEOUT", "timeout of each SMTP exchange",
      [](auto& x) -> auto& { return x.smtp.timeout; }, 100, kMaxMs));
  t.push_back(uint_key(
      "smtp.max_attempts", "SMTP_MAX_ATTEMPTS",
      "attempts before a message is given up (with backoff between them)",
      [](auto& x) -> auto& { return x.smtp.max_attempts; }, 1, 100));
  t.push_back(bool_key(
      "rate_limit.enabled", "RATE_LIMIT_ENABLED", "enforce the limits below",
      [](auto& x) -> auto& { return x.rate_limit.enabled; }));
  t.push_back(uint_key(
      "rate_limit.webhooks_per_min", "RATE_LIMIT_WEBHOOKS",
      "webhook deliveries per minute per client address (over it: 503, which Dialpad retries)",
      [](auto& x) -> auto& { return x.rate_limit.webhooks; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.calls_api_per_min", "RATE_LIMIT_CALLS_API",
      "Calls API requests per minute per principal",
      [](auto& x) -> auto& { return x.rate_limit.calls_api; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.internal_api_per_min", "RATE_LIMIT_INTERNAL_API",
      "/internal requests per minute per client IP",
      [](auto& x) -> auto& { return x.rate_limit.internal_api; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.login_per_min", "RATE_LIMIT_LOGIN",
      "login and password-reset attempts per minute per account, from any address",
      [](auto& x) -> auto& { return x.rate_limit.login; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.login_per_address_per_min", "RATE_LIMIT_LOGIN_PER_ADDRESS",
      "login, reset, confirmation and invite attempts per minute per client address",
      [](auto& x) -> auto& { return x.rate_limit.login_per_address; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.auth_failures_per_min", "RATE_LIMIT_AUTH_FAILURES",
      "failed credentials (tokens, API keys, secrets, passwords) per minute per client address; "
      "then 429 before any check",
      [](auto& x) -> auto& { return x.rate_limit.auth_failures; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.api_per_min", "RATE_LIMIT_API",
      "other /api requests per minute per principal (or IP)",
      [](auto& x) -> auto& { return x.rate_limit.api; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.ws_messages_per_min", "RATE_LIMIT_WS_MESSAGES",
      "WebSocket messages (and Socket.IO events) per minute per connection",
      [](auto& x) -> auto& { return x.rate_limit.ws_messages; }, 1, 10'000'000));
  t.push_back(uint_key(
      "rate_limit.ws_user_messages_per_min", "RATE_LIMIT_WS_USER_MESSAGES",
      "WebSocket messages (and Socket.IO events) per minute per user or app, all its connections "
      "together",
      [](auto& x) -> auto& { return x.rate_limit.ws_user_messages; }, 1, 10'000'000));
  t.push_back(ms_key(
      "ptt.max_idle_ms", "MAXIMUM_IDLE_DURATION",
      "a floor whose holder sent no audio this long may be taken over",
      [](auto& x) -> auto& { return x.ptt.max_idle; }, 10, kMaxMs));
  t.push_back(ms_key(
      "ptt.max_audio_ms", "MAXIMUM_AUDIO_DURATION",
      "longest talk burst; then the floor is released and the holder told",
      [](auto& x) -> auto& { return x.ptt.max_audio; }, 10, kMaxMs));
  t.push_back(ms_key(
      "ptt.busy_timeout_ms", "GROUP_BUSY_TIMEOUT",
      "a floor held this long without STOP is released and the holder told",
      [](auto& x) -> auto& { return x.ptt.busy_timeout; }, 10, kMaxMs));
  t.push_back(ms_key(
      "ptt.group_idle_ms", "GROUP_IDLE_TIMEOUT",
      "a talk group with nobody online leaves memory after this long",
      [](auto& x) -> auto& { return x.ptt.group_idle; }, 10, kMaxMs));
  t.push_back(string_key(
      "ptt.recordings_dir", "RECORDINGS_DIR",
      "directory for recorded talk bursts (created if missing)",
      [](auto& x) -> auto& { return x.ptt.recordings_dir; }, any_string));
  t.push_back(uint_key(
      "ptt.retention_days", "RECORDING_RETENTION_DAYS",
      "delete recordings older than this many days (0 = keep forever)",
      [](auto& x) -> auto& { return x.ptt.retention_days; }, 0, 36500));
  t.push_back(string_key(
      "ptt.router_jwt_secret", "ROUTER_JWT_SECRET",
      "HS256 secret of router tokens (empty = SECRET_KEY, then JWT_SECRET)",
      [](auto& x) -> auto& { return x.ptt.router_jwt_secret; }, any_string));
  t.push_back(string_key(
      "ptt.secret_key", "SECRET_KEY",
      "the VoicePing control plane's secret: signs router tokens when ROUTER_JWT_SECRET is empty",
      [](auto& x) -> auto& { return x.ptt.secret_key; }, any_string));
  t.push_back(bool_key(
      "ptt.voiceping_enabled", "VOICEPING_ENABLED",
      "run the VoicePing-compatible listener (msgpack over WebSocket)",
      [](auto& x) -> auto& { return x.ptt.voiceping_enabled; }));
  t.push_back(uint_key(
      "ptt.voiceping_port", "VOICEPING_PORT",
      "port of the VoicePing-compatible listener (0 = any free port)",
      [](auto& x) -> auto& { return x.ptt.voiceping_port; }, 0, 65535));
  t.push_back(string_key(
      "ptt.voiceping_port_file", "VOICEPING_PORT_FILE",
      "if set, the bound VoicePing port is written to this file",
      [](auto& x) -> auto& { return x.ptt.voiceping_port_file; }, any_string));
  t.push_back(bool_key(
      "ptt.legacy_join", "LEGACY_JOIN_ENABLED",
      "VoicePing: accept a token that is not a JWT as the user id",
      [](auto& x) -> auto& { return x.ptt.legacy_join; }));
  t.push_back(string_key(
      "ptt.dropin_tenant", "VOICEPING_DROPIN_TENANT",
      "VoicePing drop-in router mode: router tokens of a foreign issuer (signed with the router "
      "secret) provision their users and channels in this tenant, created when missing; tokens "
      "without exp are accepted (\"\" = off)",
      [](auto& x) -> auto& { return x.ptt.dropin_tenant; }, any_string));
  t.push_back(string_key(
      "ptt.dropin_event", "VOICEPING_DROPIN_EVENT",
      "the event of the drop-in tenant that provisioned channels belong to, created when missing",
      [](auto& x) -> auto& { return x.ptt.dropin_event; }, non_empty));
  t.push_back(bool_key(
      "ptt.test_seed_enabled", "TEST_SEED_ENABLED",
      "plant the test event, team and channel at start (in BOOTSTRAP_TENANT_NAME's tenant) and "
      "let admins plant them with POST /api/admin/test-seed",
      [](auto& x) -> auto& { return x.ptt.test_seed_enabled; }));
  t.push_back(string_key(
      "ptt.test_seed_event", "TEST_SEED_EVENT_NAME", "the test seed's event name",
      [](auto& x) -> auto& { return x.ptt.test_seed_event; }, non_empty));
  t.push_back(string_key(
      "ptt.test_seed_team", "TEST_SEED_TEAM_NAME", "the test seed's team name",
      [](auto& x) -> auto& { return x.ptt.test_seed_team; }, non_empty));
  t.push_back(string_key(
      "ptt.test_seed_channel", "TEST_SEED_CHANNEL_NAME", "the test seed's channel name",
      [](auto& x) -> auto& { return x.ptt.test_seed_channel; }, non_empty));
  t.push_back(uint_key(
      "ptt.fanout_lane_listeners", "PTT_FANOUT_LANE_LISTENERS",
      "a talk group with this many listeners writes its audio through parallel fan-out lanes "
      "(0 = never)",
      [](auto& x) -> auto& { return x.ptt.fanout_lane_listeners; }, 0, 1'000'000));
  t.push_back(ms_key(
      "ptt.max_audio_lag_ms", "PTT_MAX_AUDIO_LAG_MS",
      "audio older than this when its group gets to it is not delivered (still recorded; "
      "0 = never drop)",
      [](auto& x) -> auto& { return x.ptt.max_audio_lag; }, 0, kMaxMs));
  t.push_back(uint_key(
      "ptt.max_audio_frame_bytes", "PTT_MAX_AUDIO_FRAME_BYTES",
      "largest audio frame a talker may send; larger frames are dropped (0 = any)",
      [](auto& x) -> auto& { return x.ptt.max_audio_frame_bytes; }, 0, kMaxBytes));
  t.push_back(uint_key(
      "ptt.max_audio_bytes_per_s", "PTT_MAX_AUDIO_BYTES_PER_S",
      "audio bytes per second a talker may send (bursts of jitter up to twice that); faster "
      "frames are dropped (0 = any)",
      [](auto& x) -> auto& { return x.ptt.max_audio_bytes_per_s; }, 0, kMaxBytes));
  t.push_back(uint_key(
      "ptt.max_burst_bytes", "PTT_MAX_BURST_BYTES",
      "audio bytes in one talk burst (and so one recording); the rest is dropped (0 = any)",
      [](auto& x) -> auto& { return x.ptt.max_burst_bytes; }, 0, kMaxBytes));
  t.push_back(uint_key(
      "ptt.recording_quota_bytes", "PTT_RECORDING_QUOTA_BYTES",
      "bytes of recordings kept per tenant; bursts beyond it are delivered but not recorded "
      "(0 = no quota)",
      [](auto& x) -> auto& { return x.ptt.recording_quota_bytes; }, 0, UINT64_MAX));
  t.push_back(uint_key(
      "ptt.fanout_lanes", "PTT_FANOUT_LANES",
      "fan-out lanes of a big talk group (0 = one per usable CPU)",
      [](auto& x) -> auto& { return x.ptt.fanout_lanes; }, 0, 256));
  t.push_back(string_key(
      "cti.webhook_app_id", "DIALPAD_WEBHOOK_APP_ID",
      "the app whose events POST /webhooks/dialpad receives (empty = only "
      "/webhooks/dialpad/:app_id)",
      [](auto& x) -> auto& { return x.cti.webhook_app_id; }, any_string));
  t.push_back(string_key(
      "cti.webhook_secret", "DIALPAD_WEBHOOK_SECRET",
      "webhook secret of the apps that have none of their own (empty = none)",
      [](auto& x) -> auto& { return x.cti.webhook_secret; }, any_string));
  t.push_back(bool_key(
      "cti.allow_unsigned_webhooks", "DIALPAD_ALLOW_UNSIGNED_WEBHOOKS",
      "development only: an app with no webhook secret (and no DIALPAD_WEBHOOK_SECRET) accepts "
      "unsigned events; refused in production",
      [](auto& x) -> auto& { return x.cti.allow_unsigned_webhooks; }));
  t.push_back(uint_key(
      "cti.webhook_max_bytes", "DIALPAD_WEBHOOK_MAX_BYTES",
      "largest webhook body accepted (larger: 413)",
      [](auto& x) -> auto& { return x.cti.webhook_max_bytes; }, 1024, 16 * 1024 * 1024));
  t.push_back(uint_key(
      "cti.max_attempts", "WEBHOOK_MAX_ATTEMPTS",
      "processing attempts before a webhook event is dead (listed for operators to replay)",
      [](auto& x) -> auto& { return x.cti.max_attempts; }, 1, 1000));
  t.push_back(ms_key(
      "cti.retry_base_ms", "WEBHOOK_RETRY_BASE_MS",
      "delay before the first retry of a failed webhook event; doubles per attempt",
      [](auto& x) -> auto& { return x.cti.retry_base; }, 1, kMaxMs));
  t.push_back(ms_key(
      "cti.retry_max_ms", "WEBHOOK_RETRY_MAX_MS", "longest delay between retries",
      [](auto& x) -> auto& { return x.cti.retry_max; }, 1, kMaxMs));
  t.push_back(uint_key(
      "cti.batch", "WEBHOOK_BATCH", "webhook events a stream takes from the store at once",
      [](auto& x) -> auto& { return x.cti.batch; }, 1, 10'000));
  t.push_back(uint_key(
      "cti.ingest_batch", "WEBHOOK_INGEST_BATCH",
      "most webhook deliveries of one app committed together (group commit)",
      [](auto& x) -> auto& { return x.cti.ingest_batch; }, 1, 2'000));
  t.push_back(uint_key(
      "cti.replay_limit", "CTI_REPLAY_LIMIT",
      "most missed events a reconnecting client (?since=) is sent",
      [](auto& x) -> auto& { return x.cti.replay_limit; }, 1, 1'000'000));
  t.push_back(ms_key(
      "cti.stats_interval_ms", "WEBHOOK_STATS_INTERVAL_MS",
      "how often each app's webhook backlog is sampled for /health and /metrics",
      [](auto& x) -> auto& { return x.cti.stats_interval; }, 10, kMaxMs));
  t.push_back(string_key(
      "cti.dialpad_base_url", "DIALPAD_BASE_URL",
      "Dialpad's OAuth host: https://dialpad.com, or https://sandbox.dialpad.com",
      [](auto& x) -> auto& { return x.cti.dialpad_base_url; }, any_string));
  t.push_back(string_key(
      "cti.dialpad_client_id", "CLIENT_ID", "Dialpad OAuth client id (empty: no connect flow)",
      [](auto& x) -> auto& { return x.cti.dialpad_client_id; }, any_string));
  t.push_back(string_key(
      "cti.dialpad_client_secret", "CLIENT_SECRET", "Dialpad OAuth client secret",
      [](auto& x) -> auto& { return x.cti.dialpad_client_secret; }, any_string));
  t.push_back(string_key(
      "cti.dialpad_redirect_uri", "REDIRECT_URI",
      "the callback registered with Dialpad: https://<host>/auth/dialpad/callback",
      [](auto& x) -> auto& { return x.cti.dialpad_redirect_uri; }, any_string));
  t.push_back(string_key(
      "cti.dialpad_scopes", "DIALPAD_SCOPES", "scopes asked for, space-separated",
      [](auto& x) -> auto& { return x.cti.dialpad_scopes; }, any_string));
  t.push_back(string_key(
      "cti.secrets_key", "SECRETS_KEY",
      "key that seals OAuth tokens at rest (empty = derived from JWT_SECRET)",
      [](auto& x) -> auto& { return x.cti.secrets_key; }, any_string));
  t.push_back(ms_key(
      "cti.oauth_refresh_before_ms", "DIALPAD_REFRESH_BEFORE_MS",
      "refresh Dialpad tokens this long before they expire",
      [](auto& x) -> auto& { return x.cti.oauth_refresh_before; }, 0, kMaxMs));
  t.push_back(ms_key(
      "cti.oauth_refresh_interval_ms", "DIALPAD_REFRESH_INTERVAL_MS",
      "how often tokens about to expire are looked for",
      [](auto& x) -> auto& { return x.cti.oauth_refresh_interval; }, 10, kMaxMs));
  t.push_back(ms_key(
      "cti.oauth_timeout_ms", "DIALPAD_OAUTH_TIMEOUT_MS", "a call to Dialpad's token endpoint",
      [](auto& x) -> auto& { return x.cti.oauth_timeout; }, 10, kMaxMs));
  t.push_back(ms_key(
      "calls.ring_timeout_ms", "CALL_RING_TIMEOUT_MS",
      "an unanswered callee is missed after this (the call too when nobody answered)",
      [](auto& x) -> auto& { return x.calls.ring_timeout; }, 100, kMaxMs));
  t.push_back(ms_key(
      "calls.reconnect_grace_ms", "CALL_RECONNECT_GRACE_MS",
      "a party whose device disconnected mid-call may come back within this; then the call fails",
      [](auto& x) -> auto& { return x.calls.reconnect_grace; }, 0, kMaxMs));
  t.push_back(uint_key(
      "calls.max_participants", "CALL_MAX_PARTICIPANTS",
      "most participants of a call, caller included",
      [](auto& x) -> auto& { return x.calls.max_participants; }, 2, 64));
  t.push_back(uint_key(
      "calls.max_sdp_bytes", "CALL_MAX_SDP_BYTES", "largest SDP offer or answer relayed",
      [](auto& x) -> auto& { return x.calls.max_sdp_bytes; }, 256, 1024 * 1024));
  t.push_back(uint_key(
      "calls.max_candidate_bytes", "CALL_MAX_CANDIDATE_BYTES", "largest ICE candidate relayed",
      [](auto& x) -> auto& { return x.calls.max_candidate_bytes; }, 64, 65536));
  t.push_back(string_key(
      "calls.stun_urls", "STUN_URLS", "comma-separated STUN URLs for GET /api/calls/ice-servers",
      [](auto& x) -> auto& { return x.calls.stun_urls; }, any_string));
  t.push_back(string_key(
      "calls.turn_urls", "TURN_SERVER_URL", "comma-separated turn:/turns: URLs (empty = no TURN)",
      [](auto& x) -> auto& { return x.calls.turn_urls; }, any_string));
  t.push_back(string_key(
      "calls.turn_username", "TURN_USERNAME", "static TURN user name (when TURN_SECRET is empty)",
      [](auto& x) -> auto& { return x.calls.turn_username; }, any_string));
  t.push_back(string_key(
      "calls.turn_credential", "TURN_CREDENTIAL", "static TURN password",
      [](auto& x) -> auto& { return x.calls.turn_credential; }, any_string));
  t.push_back(string_key(
      "calls.turn_secret", "TURN_SECRET",
      "coturn static-auth-secret: hand out time-limited TURN REST credentials",
      [](auto& x) -> auto& { return x.calls.turn_secret; }, any_string));
  t.push_back(uint_key(
      "calls.turn_ttl_s", "TURN_TTL", "lifetime of time-limited TURN credentials, in seconds",
      [](auto& x) -> auto& { return x.calls.turn_ttl_s; }, 60, 7 * 86400));
  t.push_back(string_key(
      "calls.matrix_homeserver_url", "MATRIX_HOMESERVER_URL",
      "homeserver that receives m.call.* events for calls in a Matrix room (empty = none)",
      [](auto& x) -> auto& { return x.calls.matrix_homeserver_url; }, any_string));
  t.push_back(string_key(
      "calls.matrix_bot_token", "MATRIX_BOT_TOKEN", "access token of the bot that sends them",
      [](auto& x) -> auto& { return x.calls.matrix_bot_token; }, any_string));
  t.push_back(ms_key(
      "calls.matrix_retry_base_ms", "MATRIX_RETRY_BASE_MS",
      "first delay before an undelivered Matrix event is retried; doubles per attempt",
      [](auto& x) -> auto& { return x.calls.matrix_retry_base; }, 1, kMaxMs));
  t.push_back(ms_key(
      "calls.matrix_retry_max_ms", "MATRIX_RETRY_MAX_MS", "longest delay between Matrix retries",
      [](auto& x) -> auto& { return x.calls.matrix_retry_max; }, 1, kMaxMs));
  t.push_back(ms_key(
      "calls.matrix_timeout_ms", "MATRIX_TIMEOUT_MS", "one request to the homeserver",
      [](auto& x) -> auto& { return x.calls.matrix_timeout; }, 10, kMaxMs));
  t.push_back(ms_key(
      "socketio.ping_interval_ms", "SOCKETIO_PING_INTERVAL_MS",
      "Socket.IO: the server pings every client this often (pingInterval)",
      [](auto& x) -> auto& { return x.socketio.ping_interval; }, 10, kMaxMs));
  t.push_back(ms_key(
      "socketio.ping_timeout_ms", "SOCKETIO_PING_TIMEOUT_MS",
      "Socket.IO: a client that does not answer a ping within this is closed (pingTimeout)",
      [](auto& x) -> auto& { return x.socketio.ping_timeout; }, 10, kMaxMs));
  t.push_back(ms_key(
      "socketio.connect_timeout_ms", "SOCKETIO_CONNECT_TIMEOUT_MS",
      "Socket.IO: a connection that joins no namespace within this is closed (connectTimeout)",
      [](auto& x) -> auto& { return x.socketio.connect_timeout; }, 10, kMaxMs));
  t.push_back(uint_key(
      "socketio.max_http_buffer_size", "SOCKETIO_MAX_HTTP_BUFFER_SIZE",
      "Socket.IO: largest polling POST or message in bytes (maxHttpBufferSize; WebSocket "
      "messages are also held to ws.max_message_bytes)",
      [](auto& x) -> auto& { return x.socketio.max_http_buffer_size; }, 1024, 64ull << 20));
  t.push_back(uint_key(
      "socketio.max_buffered_bytes", "SOCKETIO_MAX_BUFFERED_BYTES",
      "Socket.IO: bytes queued for a polling client's next poll; over → the session closes",
      [](auto& x) -> auto& { return x.socketio.max_buffered_bytes; }, 1024, 1ull << 30));
  t.push_back(uint_key(
      "socketio.max_sessions", "SOCKETIO_MAX_SESSIONS",
      "Socket.IO: open Engine.IO sessions on this node; more handshakes get 503",
      [](auto& x) -> auto& { return x.socketio.max_sessions; }, 1, 10'000'000));
  t.push_back(uint_key(
      "chat.max_message_bytes", "CHAT_MAX_MESSAGE_BYTES",
      "longest chat message content in bytes; longer → 413 payload_too_large",
      [](auto& x) -> auto& { return x.chat.max_message_bytes; }, 1, 1024 * 1024));
  t.push_back(uint_key(
      "chat.history_limit", "CHAT_HISTORY_LIMIT", "most messages in one chat history page",
      [](auto& x) -> auto& { return x.chat.history_limit; }, 1, 1000));
  t.push_back(ms_key(
      "chat.idle_ms", "CHAT_IDLE_MS",
      "a conversation actor without traffic for this long quits (it is activated again on use)",
      [](auto& x) -> auto& { return x.chat.idle; }, 10, kMaxMs));
  t.push_back(ms_key(
      "chat.typing_expiry_ms", "CHAT_TYPING_EXPIRY_MS",
      "a member typing without a refresh for this long is told to the others as stopped",
      [](auto& x) -> auto& { return x.chat.typing_expiry; }, 100, kMaxMs));
  t.push_back(ms_key(
      "chat.typing_interval_ms", "CHAT_TYPING_INTERVAL_MS",
      "at most one typing event per member and conversation in this time (refreshes between "
      "are absorbed)",
      [](auto& x) -> auto& { return x.chat.typing_interval; }, 0, kMaxMs));
  t.push_back(ms_key(
      "chat.presence_grace_ms", "CHAT_PRESENCE_GRACE_MS",
      "a user is shown offline only this long after their last connection closed (no flapping "
      "on reconnects)",
      [](auto& x) -> auto& { return x.chat.presence_grace; }, 0, kMaxMs));
  t.push_back(uint_key(
      "chat.presence_watch_limit", "CHAT_PRESENCE_WATCH_LIMIT",
      "users whose presence one connection follows: those sharing a conversation, then (Socket.IO) "
      "the tenant's contact list by name",
      [](auto& x) -> auto& { return x.chat.presence_watch_limit; }, 0, 100'000));
  t.push_back(uint_key(
      "chat.resume_limit", "CHAT_RESUME_LIMIT",
      "changes a resume (chat.sync) replays per conversation; past it the conversation is "
      "answered limited and the client reloads its history",
      [](auto& x) -> auto& { return x.chat.resume_limit; }, 1, 100'000));
  t.push_back(uint_key(
      "chat.resume_conversations", "CHAT_RESUME_CONVERSATIONS",
      "conversations one resume may name; more is bad_request",
      [](auto& x) -> auto& { return x.chat.resume_conversations; }, 1, 10'000));
  t.push_back(string_key(
      "chat.attachments_dir", "CHAT_ATTACHMENTS_DIR",
      "directory for files uploaded to conversations (created when missing)",
      [](auto& x) -> auto& { return x.chat.attachments_dir; }, any_string));
  t.push_back(uint_key(
      "chat.max_attachment_bytes", "CHAT_MAX_ATTACHMENT_BYTES",
      "largest file one upload may carry; larger → 413 (a body over http.body_limit is refused "
      "first)",
      [](auto& x) -> auto& { return x.chat.max_attachment_bytes; }, 1, kMaxBytes));
  t.push_back(uint_key(
      "chat.max_message_attachments", "CHAT_MAX_MESSAGE_ATTACHMENTS",
      "files one chat message may carry",
      [](auto& x) -> auto& { return x.chat.max_message_attachments; }, 0, 100));
  t.push_back(uint_key(
      "chat.fanout_lane_connections", "CHAT_FANOUT_LANE_CONNECTIONS",
      "a conversation whose members have this many connections on the node writes its events "
      "through parallel fan-out lanes (0 = never)",
      [](auto& x) -> auto& { return x.chat.fanout_lane_connections; }, 0, 1'000'000));
  t.push_back(uint_key(
      "chat.fanout_lanes", "CHAT_FANOUT_LANES",
      "fan-out lanes of a big conversation (0 = one per usable CPU)",
      [](auto& x) -> auto& { return x.chat.fanout_lanes; }, 0, 256));
  t.push_back(string_key(
      "log.level", "LOG_LEVEL", "trace, debug, info, warn, error or off",
      [](auto& x) -> auto& { return x.log.level; },
      [](std::string_view v) {
        return parse_choice(v, {"trace", "debug", "info", "warn", "error", "off"});
      }));
  t.push_back(bool_key(
      "calls.matrix_auth", "MATRIX_AUTH_ENABLED",
      "the call endpoints (REST and WebSocket) also accept Matrix access tokens, checked with "
      "the homeserver's /account/whoami (needs MATRIX_HOMESERVER_URL)",
      [](auto& x) -> auto& { return x.calls.matrix_auth; }));
  t.push_back(ms_key(
      "calls.matrix_auth_cache_ttl_ms", "MATRIX_AUTH_CACHE_TTL_MS",
      "how long a Matrix access token the homeserver confirmed is trusted without asking again "
      "(a token logged out meanwhile works that long)",
      [](auto& x) -> auto& { return x.calls.matrix_auth_cache_ttl; }, 0, kMaxMs));
  t.push_back(string_key(
      "calls.matrix_users_tenant", "MATRIX_USERS_TENANT",
      "a Matrix user no Switchboard user is linked to is created in this tenant (by name, created "
      "when missing); \"\" = such tokens are refused",
      [](auto& x) -> auto& { return x.calls.matrix_users_tenant; }, any_string));
  t.push_back(uint_key(
      "calls.matrix_auth_max_pending", "MATRIX_AUTH_MAX_PENDING",
      "Matrix token checks waiting on the homeserver at once; beyond, requests get 503 "
      "overloaded",
      [](auto& x) -> auto& { return x.calls.matrix_auth_max_pending; }, 1, 10'000));
  t.push_back(bool_key(
      "log.json", "JSON_LOGS", "one JSON object per log line",
      [](auto& x) -> auto& { return x.log.json; }));
  t.push_back(bool_key(
      "cluster.enabled", "CLUSTER_ENABLED",
      "run as a member of a cluster of nodes sharing one PostgreSQL database",
      [](auto& x) -> auto& { return x.cluster.enabled; }));
  t.push_back(string_key(
      "cluster.node_name", "CLUSTER_NODE_NAME",
      "this node's name, unique in the cluster (\"\" = <host name>:<cluster port>)",
      [](auto& x) -> auto& { return x.cluster.node_name; }, any_string));
  t.push_back(string_key(
      "cluster.bind", "CLUSTER_BIND", "the address the cluster port listens on",
      [](auto& x) -> auto& { return x.cluster.bind; }, non_empty));
  t.push_back(uint_key(
      "cluster.port", "CLUSTER_PORT", "the port other nodes connect to (0 = any free port)",
      [](auto& x) -> auto& { return x.cluster.port; }, 0, 65535));
  t.push_back(string_key(
      "cluster.port_file", "CLUSTER_PORT_FILE", "if set, the bound cluster port is written here",
      [](auto& x) -> auto& { return x.cluster.port_file; }, any_string));
  t.push_back(string_key(
      "cluster.advertise_host", "CLUSTER_ADVERTISE_HOST",
      "the host other nodes reach this one at (\"\" = the bind address)",
      [](auto& x) -> auto& { return x.cluster.advertise_host; }, any_string));
  t.push_back(string_key(
      "cluster.seeds", "CLUSTER_SEEDS",
      "comma-separated host:port of members to join through (the first node has none)",
      [](auto& x) -> auto& { return x.cluster.seeds; }, any_string));
  t.push_back(string_key(
      "cluster.secret", "CLUSTER_SECRET",
      "shared by every member; nodes with another secret are refused (at least 32 characters "
      "in production)",
      [](auto& x) -> auto& { return x.cluster.secret; }, any_string));
  t.push_back(ms_key(
      "cluster.heartbeat_ms", "CLUSTER_HEARTBEAT_MS",
      "how often a node tells each peer it is alive",
      [](auto& x) -> auto& { return x.cluster.heartbeat; }, 10, kMaxMs));
  t.push_back(ms_key(
      "cluster.timeout_ms", "CLUSTER_TIMEOUT_MS",
      "a peer silent this long is taken for dead (its entities move to the survivors)",
      [](auto& x) -> auto& { return x.cluster.timeout; }, 100, kMaxMs));
  return t;
}

}  // namespace

std::string key_spec::flag() const {
  std::string out = "--" + key;
  std::replace(out.begin() + 2, out.end(), '.', '-');
  std::replace(out.begin() + 2, out.end(), '_', '-');
  return out;
}

std::span<const key_spec> all_keys() {
  static const std::vector<key_spec> table = build_table();
  return table;
}

const key_spec* find_key(std::string_view key) {
  for (const auto& k : all_keys()) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

const key_spec* find_flag(std::string_view flag) {
  for (const auto& k : all_keys()) {
    if (k.flag() == flag) return &k;
  }
  return nullptr;
}

}  // namespace sb::config
