#include "actors/calls/matrix_sender.hpp"

#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <algorithm>
#include <set>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/calls/matrix_outbox.hpp"
#include "persistence/store_job.hpp"
#include "protocols/calls/matrix_answers.hpp"
#include "protocols/http/client.hpp"
#include "protocols/http/message.hpp"

namespace sb {

namespace {

constexpr int64_t kBatch = 50;
constexpr auto kPoll = std::chrono::seconds(1);

struct delivery {
  int64_t id = 0;
  std::string event_id;  ///< set when the homeserver took it
  std::string error;
  int64_t attempts = 0;
};

/// PUTs one event; the homeserver's event id, or throws with the reason.
std::string put_event(const config::calls_config& cfg, const persistence::matrix_event& e) {
  auto url = matrix::client_api_url(cfg.matrix_homeserver_url,
                                    "/_matrix/client/v3/rooms/" + http::percent_encode(e.room_id) +
                                        "/send/" + http::percent_encode(e.type) + "/sb" +
                                        std::to_string(e.id));
  auto reply = http::fetch(
      "PUT", url, e.content,
      {{"Authorization", "Bearer " + cfg.matrix_bot_token}, {"Content-Type", "application/json"}},
      cfg.matrix_timeout);
  if (reply.status != 200) {
    throw std::runtime_error("homeserver answered " + std::to_string(reply.status) + ": " +
                             reply.body.substr(0, 200));
  }
  boost::json::error_code ec;
  auto body = boost::json::parse(reply.body, ec);
  auto* id = ec || !body.is_object() ? nullptr : body.as_object().if_contains("event_id");
  return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

int64_t retry_delay_us(const config::calls_config& cfg, int64_t attempts) {
  auto delay = cfg.matrix_retry_base;
  for (int64_t i = 0; i < attempts && delay < cfg.matrix_retry_max; ++i) delay *= 2;
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::min(delay, cfg.matrix_retry_max))
      .count();
}

}  // namespace

caf::behavior matrix_sender_actor(caf::stateful_actor<matrix_sender_state>* self,
                                  persistence::store_client store, config::calls_config cfg) {
  static actor_census census{"matrix_sender"};
  census.track(self);
  auto& sent = metrics::global().get_counter(
      "sb_matrix_events_total", "Matrix m.call.* events, by outcome", {{"outcome", "sent"}});
  auto& retried = metrics::global().get_counter(
      "sb_matrix_events_total", "Matrix m.call.* events, by outcome", {{"outcome", "retry"}});
  self->send(self, caf::timeout_atom::value);
  auto record = [=](std::vector<delivery> done, bool more) {
    store.ask(
        self, "matrix_outbox", "matrix_outcomes",
        [done, cfg](soci::session& sql) {
          auto now = now_us();
          for (const auto& d : done) {
            if (d.error.empty()) {
              persistence::mark_matrix_sent(sql, d.id, d.event_id, now);
            } else {
              persistence::mark_matrix_failed(sql, d.id, d.error,
                                              now + retry_delay_us(cfg, d.attempts));
            }
          }
          return true;
        },
        [=](bool) {
          self->state.busy = false;
          if (more) self->send(self, matrix_atom::value);
        },
        [=](const persistence::store_failure&) { self->state.busy = false; });
  };
  return {
      [=, &sent, &retried](matrix_atom) {
        census.on_message(self);
        if (self->state.busy) return;
        self->state.busy = true;
        store.ask(
            self, "matrix_outbox", "due_matrix_events",
            [](soci::session& sql) {
              return persistence::due_matrix_events(sql, now_us(), kBatch);
            },
            [=, &sent, &retried](std::vector<persistence::matrix_event>& events) {
              if (events.empty()) {
                self->state.busy = false;
                return;
              }
              std::vector<delivery> done;
              std::set<std::string> blocked;  // a room whose earlier event failed waits
              for (const auto& e : events) {
                delivery d{e.id, {}, {}, e.attempts};
                if (blocked.count(e.room_id)) continue;
                try {
                  d.event_id = put_event(cfg, e);
                  sent.inc();
                } catch (const std::exception& ex) {
                  d.error = ex.what();
                  blocked.insert(e.room_id);
                  retried.inc();
                  spdlog::warn("Matrix event {} ({}) to {} not sent, will retry: {}", e.id, e.type,
                               e.room_id, ex.what());
                }
                done.push_back(std::move(d));
              }
              record(std::move(done), events.size() == static_cast<size_t>(kBatch));
            },
            [=](const persistence::store_failure&) { self->state.busy = false; });
      },
      [=](caf::timeout_atom) {
        self->send(self, matrix_atom::value);
        self->delayed_send(self, kPoll, caf::timeout_atom::value);
      },
  };
}

}  // namespace sb
