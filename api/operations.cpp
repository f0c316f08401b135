#include "api/operations.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/notes.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;

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

/// {"node","members":[{"name","host","port"}]} of a cluster member (this node first), or null.
std::string cluster_json(const context& ctx) {
  if (!ctx.cluster) return "null";
  json::array members;
  for (const auto& m : ctx.cluster->members()) {
    members.push_back(json::object{{"name", m.name}, {"host", m.host}, {"port", m.port}});
  }
  return json::serialize(
      json::object{{"node", ctx.cluster->self().name}, {"members", std::move(members)}});
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
  auto body =
      fmt::format(R"({{"status":"{}","timestamp":"{}","uptime":{:.3f},"environment":{},"port":{},)"
                  R"("version":"{}","database":{},"webhooks":{},"cluster":{}}})",
                  db_up ? "healthy" : "degraded", iso_time(now_us()), uptime_seconds(ctx),
                  json_string(ctx.cfg.environment), ctx.port.load(), SB_VERSION, db,
                  webhook_backlog(ctx), cluster_json(ctx));
  auto res = http::response::json(db_up ? 200 : 503, std::move(body));
  if (!db_up)
    res.set_header("Retry-After", std::to_string(ctx.store.backend()->retry_after().count()));
  res.with_header("Cache-Control", "no-store");
  return res;
}

/// Pings the store from a short-lived actor (handlers run on I/O threads and must not
/// block), then `then(up, latency_ms, error)`.
template <class Then>
void ping_store(context& ctx, Then then) {
  auto started = std::chrono::steady_clock::now();
  persistence::store_client(ctx.store.backend(), kHealthTimeout)
      .ask(
          ctx.sys, "health", "ping", [](soci::session& sql) { return persistence::ping(sql); },
          [then, started](int64_t) {
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                started)
                          .count();
            then(true, ms, errc::internal);
          },
          [then](const persistence::store_failure& f) { then(false, 0.0, f.code); });
}

void health(context& ctx, http::responder respond) {
  ping_store(ctx, [&ctx, respond](bool up, double ms, errc error) {
    respond(health_response(ctx, up, ms, error));
  });
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0;
  int64_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

/// The CTI seed's /metrics, for a client that asks for JSON. Node's heap figures become the
/// allocator's: `heap_used_mb` what malloc has handed out, `heap_total_mb` what it holds from
/// the system, `external_mb` the rest of the resident memory (code, stacks, mapped files).
http::response metrics_json(const context& ctx) {
  auto m = mallinfo2();
  auto mb = [](double bytes) { return std::llround(bytes / 1048576.0); };
  double used = static_cast<double>(m.uordblks + m.hblkhd);
  double total = static_cast<double>(m.arena + m.hblkhd);
  double resident = static_cast<double>(resident_bytes());
  return http::response::json(
      200, fmt::format(R"({{"timestamp":"{}","memory":{{"heap_used_mb":{},"heap_total_mb":{},)"
                       R"("external_mb":{}}},"uptime_seconds":{:.1f}}})",
                       iso_time(now_us()), mb(used), mb(total), mb(std::max(0.0, resident - total)),
                       uptime_seconds(ctx)));
}

bool asks_for_json(const http::request& req) {
  return req.header("accept").find("application/json") != std::string_view::npos;
}

}  // namespace

/// The VoicePing control plane's readiness payload (what its dispatch console polls):
/// `{ready, services:{database, router}, timestamp}` (built by hand for the doubles, as above), 503
/// with "Service starting" until the database answers. There is no Redis to report; the router is
/// this node's VoicePing listener (`ok` false with a reason when it is disabled, which is a choice,
/// not a fault).
void readiness(context& ctx, http::responder respond) {
  ping_store(ctx, [&ctx, respond](bool up, double ms, errc error) {
    auto vp = ctx.voiceping_port.load();
    auto database = up ? fmt::format(R"({{"ok":true,"error":null,"latencyMs":{:.3f}}})", ms)
                       : fmt::format(R"({{"ok":false,"error":"{}"}})", code_string(error));
    auto router = fmt::format(
        R"({{"ok":{},"host":{},"port":{},"error":{}}})", vp != 0, json_string(ctx.cfg.host), vp,
        vp ? "null" : R"x("the VoicePing listener is disabled (VOICEPING_ENABLED)")x");
    auto body = fmt::format(R"({{"ready":{},{}"services":{{"database":{},"router":{}}},)"
                            R"("timestamp":"{}"}})",
                            up, up ? "" : R"("error":"Service starting",)", database, router,
                            iso_time(now_us()));
    auto res = http::response::json(up ? 200 : 503, std::move(body));
    res.with_header("Cache-Control", "no-store");
    respond(std::move(res));
  });
}

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
    if (ctx.cluster) {
      auto members = ctx.cluster->members();
      out += fmt::format(
          "# HELP sb_cluster_members Live members of the cluster, this node included\n"
          "# TYPE sb_cluster_members gauge\nsb_cluster_members {}\n"
          "# HELP sb_cluster_member A live member of the cluster, by name\n"
          "# TYPE sb_cluster_member gauge\n",
          members.size());
      for (const auto& m : members) {
        out += "sb_cluster_member" + metrics::render_labels({{"name", m.name}}) + " 1\n";
      }
    }
  });
  r.add("GET", "/health",
        [&ctx](http::request, path_params, http::responder respond) { health(ctx, respond); });
  r.add("GET", "/metrics", [&ctx](http::request req, path_params, http::responder respond) {
    if (asks_for_json(req)) return respond(metrics_json(ctx));
    respond(http::response::text(200, metrics::global().render(),
                                 "text/plain; version=0.0.4; charset=utf-8"));
  });
  // The softphone seed's liveness probe: the node answers, so it is up.
  r.add("GET", "/api/health", [](http::request, path_params, http::responder respond) {
    respond(http::response::json(
        200, fmt::format(R"({{"status":"ok","timestamp":"{}"}})", iso_time(now_us()))));
  });
  r.add("GET", "/api/ready",
        [&ctx](http::request, path_params, http::responder respond) { readiness(ctx, respond); });
}

}  // namespace sb::api
