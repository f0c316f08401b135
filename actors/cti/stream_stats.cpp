#include "actors/cti/stream_stats.hpp"

#include <spdlog/spdlog.h>

#include "actors/runtime/atoms.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/store_job.hpp"

namespace sb {

void stream_stats_board::publish(std::vector<persistence::webhook_stream_stats> s) {
  std::lock_guard guard{mutex_};
  stats_ = std::move(s);
}

std::vector<persistence::webhook_stream_stats> stream_stats_board::snapshot() const {
  std::lock_guard guard{mutex_};
  return stats_;
}

namespace {

void set_gauges(const std::string& app, int64_t pending, int64_t failed, int64_t dead,
                int64_t lag_s) {
  auto& m = metrics::global();
  metrics::labels l{{"app_id", app}};
  m.get_gauge("sb_webhook_stream_pending", "Webhook events waiting to be processed", l)
      .set(pending);
  m.get_gauge("sb_webhook_stream_failed", "Webhook events failed and waiting for a retry", l)
      .set(failed);
  m.get_gauge("sb_webhook_stream_dead", "Webhook events given up on (replayable)", l).set(dead);
  m.get_gauge("sb_webhook_stream_lag_seconds", "Age of the oldest webhook event waiting", l)
      .set(lag_s);
}

}  // namespace

caf::behavior stream_stats_actor(caf::stateful_actor<stream_stats_state>* self,
                                 persistence::store_client store,
                                 std::shared_ptr<stream_stats_board> board,
                                 std::chrono::milliseconds period) {
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        store.ask(
            self, "webhook_stats", "webhook_stream_stats",
            [](soci::session& sql) { return persistence::webhook_stream_stats_all(sql); },
            [=](std::vector<persistence::webhook_stream_stats>& stats) {
              auto now = now_us();
              std::set<std::string> current;
              for (const auto& s : stats) {
                auto lag = s.oldest_pending_us ? (now - *s.oldest_pending_us) / 1'000'000 : 0;
                set_gauges(s.app_id, s.pending, s.failed, s.dead, lag);
                current.insert(s.app_id);
              }
              for (const auto& app : self->state.apps_seen) {
                if (!current.count(app)) set_gauges(app, 0, 0, 0, 0);
              }
              self->state.apps_seen.insert(current.begin(), current.end());
              board->publish(std::move(stats));
              self->delayed_send(self, period, tick_atom::value);
            },
            [=](const persistence::store_failure&) {
              self->delayed_send(self, period, tick_atom::value);
            });
      },
  };
}

}  // namespace sb
