#include "api/operations.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <chrono>
#include <fstream>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/notes.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace {

constexpr auto kHealthTimeout = std::chrono::seconds(2);

double uptime_seconds(const context& ctx) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
}

std::string json_string(std::string_view s) {
  return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

// Every app's webhook backlog, summed (per app in /metrics: app ids are not public).
std::string webhook_backlog(const context& ctx) {
  int64_t pending = 0, failed = 0, dead = 0, oldest = 0;
  for (const auto& s : ctx.webhook_stats->snapshot()) {
    pending += s.pending;
    failed += s.failed;
    dead += s.dead;
    if (s.oldest_pending_us && (oldest == 0 || *s.oldest_pending_us < oldest))
      oldest = *s.oldest_pending_us;
  }
  double lag = oldest ? static_cast<double>(now_us() - oldest) / 1e6 : 0.0;
  return fmt::format(R"({{"pending":{},"failed":{},"dead":{},"lag_seconds":{:.3f}}})", pending,
                     failed, dead, lag);
}

// The seed's health shape, plus version and database details. Built by hand because
// Boost.JSON prints doubles in exponent form ("1.5E0"), and the seed's clients expect 120.5.
http::response health_response(context& ctx, bool db_up, double latency_ms, errc error) {
  auto dialect = config::dialect_name(ctx.store.backend()->dialect());
  std::string db = fmt::format(R"({{"status":"{}","dialect":"{}","workers":{},"workers_live":{},)",
                               db_up ? "up" : "down", dialect, ctx.store.backend()->workers(),
                               ctx.store.backend()->live_workers());
  db += db_up ? fmt::format(R"("latency_ms":{:.3f}}})", latency_ms)
              : fmt::format(R"("error":"{}"}})", code_string(error));
  auto body = fmt::format(
      R"({{"status":"{}","timestamp":"{}","uptime":{:.3f},"environment":{},"port":{},)"
      R"("version":"{}","database":{},"webhooks":{}}})",
      db_up ? "healthy" : "degraded", iso_time(now_us()), uptime_seconds(ctx),
      json_string(ctx.cfg.environment), ctx.port.load(), SB_VERSION, db, webhook_backlog(ctx));
  auto res = http::response::json(db_up ? 200 : 503, std::move(body));
  if (!db_up)
    res.set_header("Retry-After", std::to_string(ctx.store.backend()->retry_after().count()));
  res.with_header("Cache-Control", "no-store");
  return res;
}

void health(context& ctx, http::responder respond) {
  // A short-lived actor asks the store: handlers run on I/O threads and must not block.
  auto started = std::chrono::steady_clock::now();
  persistence::store_client(ctx.store.backend(), kHealthTimeout)
      .ask(
          ctx.sys, "health", "ping", [](soci::session& sql) { return persistence::ping(sql); },
          [&ctx, respond, started](int64_t) {
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                started)
                          .count();
            respond(health_response(ctx, true, ms, errc::internal));
          },
          [&ctx, respond](const persistence::store_failure& f) {
            respond(health_response(ctx, false, 0, f.code));
          });
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0;
  int64_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

}  // namespace

void add_operations_routes(router& r, context& ctx) {
  metrics::global().add_collector([&ctx](std::string& out) {
    out += fmt::format(
        "# HELP sb_uptime_seconds Seconds since the node started\n"
        "# TYPE sb_uptime_seconds gauge\nsb_uptime_seconds {:.3f}\n"
        "# HELP sb_process_resident_bytes Resident memory of the process\n"
        "# TYPE sb_process_resident_bytes gauge\nsb_process_resident_bytes {}\n"
        "# HELP sb_session_inflight Client requests waiting on the store\n"
        "# TYPE sb_session_inflight gauge\nsb_session_inflight {}\n",
        uptime_seconds(ctx), resident_bytes(), ctx.node->inflight.load());
  });
  r.add("GET", "/health",
        [&ctx](http::request, path_params, http::responder respond) { health(ctx, respond); });
  r.add("GET", "/metrics", [](http::request, path_params, http::responder respond) {
    respond(http::response::text(200, metrics::global().render(),
                                 "text/plain; version=0.0.4; charset=utf-8"));
  });
}

}  // namespace sb::api
