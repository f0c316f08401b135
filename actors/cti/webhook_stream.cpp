#include "actors/cti/webhook_stream.hpp"

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <functional>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "config/ground/errc.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/cluster/leases.hpp"
#include "persistence/connection.hpp"
#include "persistence/cti/processing.hpp"
#include "persistence/cti/webhook_events.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/store_job.hpp"
#include "protocols/dialpad/call_event_json.hpp"
#include "protocols/dialpad/live_events.hpp"
#include "protocols/dialpad/webhook_body.hpp"
#include "protocols/ws/frame.hpp"

namespace sb {

namespace {

/// Dialpad's wire formats, for processing inside the store's transaction.
constexpr persistence::cti_wire kWire{dialpad::read_call_event, dialpad::call_event_body,
                                      dialpad::voicemail_body};

using persistence::app_event;
using std::chrono::milliseconds;

struct stream_metrics {
  metrics::counter& received = metrics::global().get_counter(
      "sb_webhooks_received_total", "Webhook deliveries committed (duplicates included)");
  metrics::counter& duplicates = metrics::global().get_counter(
      "sb_webhooks_duplicate_total", "Webhook deliveries already stored (Dialpad retries)");
  metrics::counter& rejected = metrics::global().get_counter(
      "sb_webhooks_rejected_total", "Webhook deliveries refused (signature, format)");
  metrics::counter& processed =
      metrics::global().get_counter("sb_webhook_events_processed_total", "Webhook events applied");
  metrics::counter& failures = metrics::global().get_counter(
      "sb_webhook_event_failures_total", "Failed attempts to process a webhook event");
  metrics::counter& published = metrics::global().get_counter("sb_cti_events_published_total",
                                                              "CTI events written to live clients");
};

stream_metrics& stream_counters() {
  static stream_metrics m;
  return m;
}

bool wants(const webhook_stream_state::follower& f, const app_event& e) {
  return f.who.crm_user.empty() || (e.crm_user_id && *e.crm_user_id == f.who.crm_user);
}

void send(const webhook_stream_state::follower& f, const ws::frame_ptr& frame) {
  if (f.who.out->send(frame)) stream_counters().published.inc();
}

/// One event to one follower (a catch-up replay), if it wants it.
void deliver(const webhook_stream_state::follower& f, const app_event& e) {
  if (wants(f, e)) send(f, ws::text_frame(e.body));
}

/// Each event is encoded once and the frame shared by every live follower.
void publish_now(webhook_stream_ptr self, const std::vector<app_event>& events) {
  for (const auto& e : events) {
    if (e.seq <= self->state.last_seq) continue;  // already published
    self->state.last_seq = e.seq;
    ws::frame_ptr frame;
    for (auto& f : self->state.followers) {
      if (f.catching_up) {
        f.held.push_back(e);
      } else if (wants(f, e)) {
        if (!frame) frame = ws::text_frame(e.body);
        send(f, frame);
      }
    }
  }
}

bool clustered(webhook_stream_ptr self) {
  return !self->state.deps.cluster.holder.empty();
}

std::string entity_of(webhook_stream_ptr self) {
  return "webhooks:" + self->state.app_id;
}

/// The fence a processing job checks (nullopt on a single node: nothing to check).
std::optional<int64_t> fence_to_check(webhook_stream_ptr self) {
  return clustered(self) ? self->state.fence : std::nullopt;
}

/// Another member took the app's lease (a job found the fence risen): stop processing here.
void lose_lease(webhook_stream_ptr self) {
  auto& st = self->state;
  if (st.fence) spdlog::warn("app {}: another member processes its events now", st.app_id);
  st.fence.reset();
}

/// The events this member committed, for the followers on the other members.
void tell_members(webhook_stream_ptr self, const std::vector<app_event>& events) {
  if (!clustered(self) || events.empty()) return;
  self->state.deps.cluster.tell_members(caf::make_message(
      forward_atom::value, entity_of(self), caf::make_message(publish_atom::value, events), false));
}

void publish(webhook_stream_ptr self, std::vector<app_event> events);

/// Reads the events after last_seq up to `upto` from the store and publishes them, then what
/// came meanwhile (held in `gap_backlog`).
void fill_gap(webhook_stream_ptr self, int64_t upto) {
  auto& st = self->state;
  auto limit = int64_t{st.deps.cfg.replay_limit};
  st.deps.store.ask(
      self, st.shard, "cti_events_gap",
      [app = st.app_id, since = st.last_seq, limit](soci::session& sql) {
        return persistence::app_events_since(sql, app, since, limit);
      },
      [self, upto, limit](std::vector<app_event>& page) {
        auto& st = self->state;
        std::erase_if(page, [&](const app_event& e) { return e.seq > upto; });
        publish_now(self, page);
        if (static_cast<int64_t>(page.size()) == limit && st.last_seq < upto) {
          return fill_gap(self, upto);
        }
        st.filling_gap = false;
        publish(self, std::exchange(st.gap_backlog, {}));
      },
      [self](const persistence::store_failure& f) {
        auto& st = self->state;
        spdlog::warn("app {}: missed events could not be read ({}); clients may see a gap",
                     st.app_id, code_string(f.code));
        st.filling_gap = false;
        publish(self, std::exchange(st.gap_backlog, {}));
      });
}

/// Publishes events in seq order. Numbers have no gaps; a gap means this member missed some
/// (another member committed them and was lost before telling): they are read from the store
/// first, and what arrives meanwhile waits, so that followers still see every event in order.
void publish(webhook_stream_ptr self, std::vector<app_event> events) {
  auto& st = self->state;
  if (st.filling_gap) {
    st.gap_backlog.insert(st.gap_backlog.end(), events.begin(), events.end());
    return;
  }
  std::erase_if(events, [&](const app_event& e) { return e.seq <= st.last_seq; });
  if (events.empty()) return;
  auto first = events.front().seq;
  if (first > st.last_seq + 1 && !st.followers.empty()) {
    st.filling_gap = true;
    st.gap_backlog = std::move(events);
    return fill_gap(self, first - 1);
  }
  publish_now(self, events);
}

milliseconds backoff(const config::cti_config& cfg, int64_t attempts) {
  auto delay = cfg.retry_base;
  for (int64_t i = 1; i < attempts && delay < cfg.retry_max; ++i) delay *= 2;
  return std::min(delay, cfg.retry_max);
}

void drain(webhook_stream_ptr self);

/// What a processed event leads to: its live events, or a log line (it was marked dead).
void handle_outcome(webhook_stream_ptr self, const persistence::webhook_event& e,
                    const persistence::processing_outcome& outcome) {
  if (!outcome.unprocessable) {
    stream_counters().processed.inc();
    publish(self, outcome.events);
    return;
  }
  spdlog::warn("app {}: webhook event {} is dead: {}", self->state.app_id, e.id,
               *outcome.unprocessable);
}

/// Processes one event in its own job; on failure records the attempt in another. `next` runs
/// once either is done.
void process_one(webhook_stream_ptr self, const persistence::webhook_event& e,
                 std::function<void()> next) {
  auto& st = self->state;
  st.deps.store.ask(
      self, st.shard, "process_webhook",
      [e, entity = entity_of(self), fence = fence_to_check(self)](soci::session& sql) {
        if (fence) persistence::check_fence(sql, entity, *fence);
        return std::move(persistence::process_webhook_events(sql, kWire, {e}, now_us()).front());
      },
      [self, e, next](persistence::processing_outcome& outcome) {
        handle_outcome(self, e, outcome);
        if (!outcome.unprocessable) tell_members(self, outcome.events);
        next();
      },
      [self, e, next](const persistence::store_failure& f) {
        if (f.code == errc::conflict) {
          lose_lease(self);
          return next();
        }
        stream_counters().failures.inc();
        auto& st = self->state;
        auto why = f.message.empty() ? std::string(code_string(f.code)) : f.message;
        auto delay = backoff(st.deps.cfg, e.attempts + 1);
        spdlog::warn("app {}: webhook event {} failed (attempt {}): {}", st.app_id, e.id,
                     e.attempts + 1, why);
        st.deps.store.ask(
            self, st.shard, "webhook_failed",
            [id = e.id, why, delay, max = st.deps.cfg.max_attempts, entity = entity_of(self),
             fence = fence_to_check(self)](soci::session& sql) {
              if (fence) persistence::check_fence(sql, entity, *fence);
              persistence::record_webhook_failure(
                  sql, id, why, now_us(),
                  std::chrono::duration_cast<std::chrono::microseconds>(delay).count(), max, false);
              return true;
            },
            [next](bool) { next(); }, [next](const persistence::store_failure&) { next(); });
      });
}

/// Arms a tick for when the next failed event is due.
void schedule_retry(webhook_stream_ptr self) {
  auto& st = self->state;
  st.deps.store.ask(
      self, st.shard, "webhook_next_retry",
      [app = st.app_id](soci::session& sql) { return persistence::next_retry_at(sql, app); },
      [self](std::optional<int64_t>& at) {
        if (!at) return;
        auto wait = std::max<int64_t>(0, *at - now_us());
        self->delayed_send(self, std::chrono::microseconds(wait) + milliseconds(1),
                           tick_atom::value);
      },
      // The database is away: events of the last batch may still be pending, unmarked. Look
      // again later rather than wait for the next delivery.
      [self](const persistence::store_failure&) {
        self->delayed_send(self, self->state.deps.cfg.retry_base, tick_atom::value);
      });
}

/// Applies a claimed batch in one store job (one transaction, the app's event numbers counted
/// once). If the job fails, one of its events is at fault: each is then retried in a job of
/// its own, so that only the faulty one records a failure. Then looks for more (a full
/// batch, or events that arrived meanwhile) or arms the retry timer.
void process_batch(webhook_stream_ptr self, std::vector<persistence::webhook_event> events,
                   bool full) {
  auto finish = [self, full] {
    auto& st = self->state;
    st.draining = false;
    if (full || st.again) return drain(self);
    schedule_retry(self);
  };
  if (events.empty()) return finish();
  auto& st = self->state;
  auto batch = std::make_shared<std::vector<persistence::webhook_event>>(std::move(events));
  st.deps.store.ask(
      self, st.shard, "process_webhooks",
      [batch, entity = entity_of(self), fence = fence_to_check(self)](soci::session& sql) {
        if (fence) persistence::check_fence(sql, entity, *fence);
        return persistence::process_webhook_events(sql, kWire, *batch, now_us());
      },
      [self, batch, finish](std::vector<persistence::processing_outcome>& outcomes) {
        std::vector<app_event> committed;  // one message per batch for the other members
        for (size_t i = 0; i < outcomes.size(); ++i) {
          handle_outcome(self, (*batch)[i], outcomes[i]);
          if (outcomes[i].unprocessable) continue;
          committed.insert(committed.end(), outcomes[i].events.begin(), outcomes[i].events.end());
        }
        tell_members(self, committed);
        finish();
      },
      [self, batch, finish](const persistence::store_failure& f) {
        if (f.code == errc::conflict) {
          lose_lease(self);
          self->state.draining = false;
          return;
        }
        auto left = std::make_shared<size_t>(batch->size());
        for (const auto& e : *batch) {
          process_one(self, e, [left, finish] {
            if (--*left == 0) finish();
          });
        }
      });
}

void take_lease(webhook_stream_ptr self);

void drain(webhook_stream_ptr self) {
  auto& st = self->state;
  if (clustered(self) && !st.fence) return take_lease(self);
  if (st.draining) {
    st.again = true;
    return;
  }
  st.draining = true;
  st.again = false;
  st.deps.store.ask(
      self, st.shard, "webhook_due",
      [app = st.app_id, limit = int64_t{st.deps.cfg.batch}](soci::session& sql) {
        return persistence::due_webhook_events(sql, app, now_us(), limit);
      },
      [self](std::vector<persistence::webhook_event>& events) {
        bool full = events.size() >= self->state.deps.cfg.batch;
        process_batch(self, std::move(events), full);
      },
      [self](const persistence::store_failure& f) {
        auto& st = self->state;
        st.draining = false;
        spdlog::warn("app {}: cannot read webhook events: {}", st.app_id, code_string(f.code));
        self->delayed_send(self, st.deps.cfg.retry_base, tick_atom::value);
      });
}

/// Takes the app's lease when this member owns the app (placement), then processes what is
/// due. Taking fails while another member's lease is live: the lease timer tries again.
void take_lease(webhook_stream_ptr self) {
  auto& st = self->state;
  if (st.leasing || st.fence || !st.deps.cluster.here(entity_of(self))) return;
  st.leasing = true;
  st.deps.store.ask(
      self, st.shard, "take_lease",
      [entity = entity_of(self), holder = st.deps.cluster.holder,
       ttl = std::chrono::duration_cast<std::chrono::microseconds>(st.deps.cluster.ttl).count()](
          soci::session& sql) {
        return persistence::acquire_lease(sql, entity, holder, now_us(), ttl);
      },
      [self](std::optional<int64_t>& fence) {
        auto& st = self->state;
        st.leasing = false;
        if (!fence) return;
        spdlog::info("app {}: its events are processed on this member now (fence {})", st.app_id,
                     *fence);
        st.fence = fence;
        drain(self);
      },
      [self](const persistence::store_failure&) { self->state.leasing = false; });
}

/// Every third of a lease's time: renews this member's lease, gives it up when another member
/// owns the app now (it takes it at once), or tries to take it.
void tend_lease(webhook_stream_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.deps.cluster.ttl / 3, lease_atom::value);
  if (!st.fence) return take_lease(self);
  auto entity = entity_of(self);
  auto holder = st.deps.cluster.holder;
  if (!st.deps.cluster.here(entity)) {
    spdlog::info("app {}: another member owns it now; handing its events over", st.app_id);
    st.fence.reset();
    st.deps.store.ask(
        self, st.shard, "give_up_lease",
        [entity, holder](soci::session& sql) {
          persistence::release_lease(sql, entity, holder);
          return true;
        },
        [](bool) {}, [](const persistence::store_failure&) {});
    return;
  }
  st.deps.store.ask(
      self, st.shard, "renew_lease",
      [entity, holder,
       ttl = std::chrono::duration_cast<std::chrono::microseconds>(st.deps.cluster.ttl).count()](
          soci::session& sql) {
        return persistence::acquire_lease(sql, entity, holder, now_us(), ttl);
      },
      [self](std::optional<int64_t>& fence) {
        if (!fence) return lose_lease(self);
        self->state.fence = fence;
      },
      [](const persistence::store_failure&) {});  // the fence guards the jobs meanwhile
}

/// The follower of `session`, or nullptr once it has gone.
webhook_stream_state::follower* follower_of(webhook_stream_ptr self,
                                            const caf::actor_addr& session) {
  for (auto& f : self->state.followers) {
    if (f.who.session.address() == session) return &f;
  }
  return nullptr;
}

/// Replays what a follower missed, page by page up to `upto` (the last event published when
/// it arrived), then the live events held meanwhile (all after `upto`): none lost or doubled.
void catch_up(webhook_stream_ptr self, caf::actor_addr session, int64_t since, int64_t upto) {
  auto& st = self->state;
  auto limit = int64_t{st.deps.cfg.replay_limit};
  auto finish = [self, session]() {
    if (auto* f = follower_of(self, session)) {
      for (const auto& e : f->held) deliver(*f, e);
      f->held.clear();
      f->catching_up = false;
    }
  };
  st.deps.store.ask(
      self, st.shard, "cti_events_since",
      [app = st.app_id, since, limit](soci::session& sql) {
        return persistence::app_events_since(sql, app, since, limit);
      },
      [self, session, upto, limit, finish](std::vector<app_event>& page) {
        auto* f = follower_of(self, session);
        if (!f) return;
        int64_t last = -1;
        for (const auto& e : page) {
          if (e.seq > upto) break;
          deliver(*f, e);
          last = e.seq;
        }
        if (static_cast<int64_t>(page.size()) == limit && last >= 0 && last < upto)
          return catch_up(self, session, last, upto);
        finish();
      },
      [self, session](const persistence::store_failure& failure) {
        spdlog::warn("app {}: catch-up failed: {}", self->state.app_id, code_string(failure.code));
        // The client cannot be given what it missed: close it, so that it retries.
        if (auto* f = follower_of(self, session)) f->who.out->close(1011, "catch-up failed");
      });
}

/// Commits the deliveries waiting, all in one statement, while no other commit of this app's
/// deliveries is in flight: under load, deliveries queue up meanwhile and the next commit takes
/// them all (group commit, at most cti.ingest_batch at once). Each is answered after its
/// commit; the order of arrival is the order of the ids.
void flush_arrivals(webhook_stream_ptr self) {
  auto& st = self->state;
  if (st.flushing || st.arrivals.empty()) return;
  st.flushing = true;
  auto n = std::min<size_t>(st.arrivals.size(), st.deps.cfg.ingest_batch);
  auto batch = std::make_shared<std::vector<webhook_stream_state::arrival>>(
      std::make_move_iterator(st.arrivals.begin()),
      std::make_move_iterator(st.arrivals.begin() + static_cast<long>(n)));
  st.arrivals.erase(st.arrivals.begin(), st.arrivals.begin() + static_cast<long>(n));
  std::vector<persistence::webhook_delivery> rows;
  rows.reserve(n);
  for (auto& a : *batch) rows.push_back(std::move(a.delivery));  // only promises are kept
  st.deps.store.ask(
      self, st.shard.next(), "insert_webhooks",
      [rows = std::move(rows)](soci::session& sql) {
        return persistence::insert_webhook_events(sql, rows);
      },
      [self, batch](std::vector<persistence::webhook_insert>& results) {
        bool fresh = false;
        for (size_t i = 0; i < batch->size(); ++i) {
          stream_counters().received.inc();
          if (results[i].duplicate) stream_counters().duplicates.inc();
          fresh = fresh || !results[i].duplicate;
          (*batch)[i].promise.deliver(results[i].id, results[i].duplicate);
        }
        self->state.flushing = false;
        flush_arrivals(self);
        if (!fresh) return;
        drain(self);
        // Taken here, processed by the lease holder: wake the app's stream on every member.
        if (clustered(self) && !self->state.fence) {
          self->state.deps.cluster.tell_members(caf::make_message(
              forward_atom::value, entity_of(self), caf::make_message(tick_atom::value), true));
        }
      },
      [self, batch](const persistence::store_failure& f) {
        for (auto& a : *batch) a.promise.deliver(f.to_error());
        self->state.flushing = false;
        flush_arrivals(self);
      });
}

struct loaded_app {
  std::optional<persistence::app_record> app;
  std::optional<std::string> secret;
  int64_t last_seq = 0;
};

/// Reads the app (active flag, secret) and the last event number. Until the first load
/// completes, every other message waits in the mailbox.
void load(webhook_stream_ptr self, std::function<void()> then) {
  auto& st = self->state;
  st.deps.store.ask(
      self, st.shard, "load_webhook_stream",
      [app = st.app_id](soci::session& sql) {
        loaded_app out;
        out.app = persistence::find_app(sql, app);
        if (out.app) {
          out.secret = persistence::app_webhook_secret(sql, app);
          out.last_seq = persistence::last_app_seq(sql, app);
        }
        return out;
      },
      [self, then](loaded_app& l) {
        auto& st = self->state;
        st.known = l.app.has_value();
        st.active = l.app && l.app->is_active;
        if (l.app) st.tenant_id = l.app->tenant_id;
        st.secret = l.secret;
        if (!st.secret && !st.deps.cfg.webhook_secret.empty()) {
          st.secret = st.deps.cfg.webhook_secret;
        }
        st.last_seq = std::max(st.last_seq, l.last_seq);
        then();
      },
      [self](const persistence::store_failure& f) { self->quit(f.to_error()); });
}

caf::result<int64_t, bool> ingest(webhook_stream_ptr self, const std::string& body,
                                  const std::string& signature) {
  auto& st = self->state;
  if (!st.active) return caf::make_error(errc::not_found, "no such app");
  if (!st.secret && !st.deps.cfg.allow_unsigned_webhooks) {
    // With nothing to check a signature against, anyone could post this app's events.
    stream_counters().rejected.inc();
    spdlog::info("app {}: webhook refused: the app has no webhook secret", st.app_id);
    return caf::make_error(errc::unauthorized,
                           "this app has no webhook secret: give it one, or set "
                           "DIALPAD_WEBHOOK_SECRET");
  }
  auto verified = dialpad::verify_webhook(body, signature, st.secret, now_us() / 1'000'000);
  if (auto* r = std::get_if<dialpad::rejection>(&verified)) {
    stream_counters().rejected.inc();
    spdlog::info("app {}: webhook refused: {}", st.app_id, dialpad::describe(*r));
    auto code = *r == dialpad::rejection::malformed ? errc::bad_request : errc::unauthorized;
    return caf::make_error(code, std::string(dialpad::describe(*r)));
  }
  auto& v = std::get<dialpad::verified_body>(verified);
  persistence::webhook_event e;
  e.app_id = st.app_id;
  e.tenant_id = st.tenant_id;
  e.signing = std::string(dialpad::name_of(v.how));
  e.payload = boost::json::serialize(v.claims);
  e.received_at_us = now_us();
  // Anything verified is stored, even if it is not a call event we understand: Dialpad never
  // retries a 4xx, so refusing it would lose it. Processing marks it dead with the reason.
  std::string key;
  if (auto call = dialpad::parse_call_event(v.claims, nullptr)) {
    e.call_id = call->call_id;
    e.state = call->state;
    e.event_timestamp_ms = call->event_timestamp_ms;
    key = dialpad::dedupe_key(*call);
  } else {
    key = "sha256:" + crypto::sha256_hex(e.payload);
  }
  auto rp = self->make_response_promise<int64_t, bool>();
  st.arrivals.push_back({{std::move(e), std::move(key)}, rp});
  flush_arrivals(self);
  return rp;
}

/// The stream's behaviour. Until the app is loaded every message waits (skip); loading ends
/// with become(running), which hands the skipped messages back in order.
webhook_stream_actor::behavior_type running(webhook_stream_ptr self) {
  static actor_census census{"webhook_stream"};
  auto loaded = [self] { return self->state.loaded; };
  return {
      [=](ingest_atom, const std::string& body,
          const std::string& signature) -> caf::result<int64_t, bool> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        return ingest(self, body, signature);
      },
      [=](tick_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        drain(self);
        return caf::unit;
      },
      [=](reload_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        load(self, [] {});
        return caf::unit;
      },
      [=](caf::timeout_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        if (!self->state.known) self->quit();
        return caf::unit;
      },
      [=](publish_atom, const std::vector<app_event>& events) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        publish(self, events);
        return caf::unit;
      },
      [=](lease_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        tend_lease(self);
        return caf::unit;
      },
      [=](follow_atom, const cti_follower& who) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        self->monitor(who.session);
        webhook_stream_state::follower f{who, who.since >= 0, {}};
        self->state.followers.push_back(std::move(f));
        if (who.since >= 0) {
          catch_up(self, who.session.address(), who.since, self->state.last_seq);
        }
        return caf::unit;
      },
  };
}

}  // namespace

webhook_stream_actor::behavior_type webhook_stream_impl(webhook_stream_ptr self,
                                                        webhook_stream_deps deps,
                                                        std::string app_id) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.app_id = std::move(app_id);
  st.shard = persistence::shard_key("webhooks:" + st.app_id);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& f = self->state.followers;
    f.erase(std::remove_if(f.begin(), f.end(),
                           [&](auto& x) { return x.who.session.address() == dm.source; }),
            f.end());
  });
  load(self, [self] {
    self->state.loaded = true;
    // An id that names no app (a mistyped URL) must not keep an actor alive.
    if (!self->state.known)
      self->delayed_send(self, std::chrono::seconds(30), caf::timeout_atom::value);
    self->become(running(self));
    if (clustered(self) && self->state.known) return tend_lease(self);  // then drains
    drain(self);  // whatever a previous run left unprocessed
  });
  return running(self);
}

void resume_webhook_streams(caf::actor_system& sys, const persistence::store_client& store,
                            directory_actor directory) {
  store.ask_until_committed(
      sys, directory, std::chrono::seconds(2), "pending_webhook_apps",
      [](soci::session& sql) { return persistence::apps_with_pending_webhooks(sql); },
      [directory](const std::vector<std::string>& apps) {
        for (const auto& app : apps) {
          spdlog::info("app {}: resuming its webhook stream", app);
          caf::anon_send(directory, resolve_atom::value, "webhooks:" + app);
        }
      },
      "list unprocessed webhook events");
}

}  // namespace sb
