#include "actors/ptt/talk_group.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>

#include "actors/ptt/recorder.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "config/domain/ptt/floor.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "persistence/ptt/messages.hpp"
#include "persistence/store_job.hpp"

namespace sb {

namespace {

using self_ptr = talk_group_actor::stateful_pointer<talk_group_state>;
using clock_type = std::chrono::steady_clock;
using kind = ptt::talk_event::kind;

struct ptt_metrics {
  metrics::counter& frames_in = metrics::global().get_counter(
      "sb_ptt_audio_frames_in_total", "Audio frames received from floor holders");
  metrics::counter& frames_refused = metrics::global().get_counter(
      "sb_ptt_audio_frames_refused_total", "Audio frames from someone without the floor");
  metrics::counter& granted = metrics::global().get_counter(
      "sb_ptt_floor_requests_total", "Floor requests, by answer", {{"answer", "granted"}});
  metrics::counter& busy = metrics::global().get_counter(
      "sb_ptt_floor_requests_total", "Floor requests, by answer", {{"answer", "busy"}});
  metrics::counter& not_member = metrics::global().get_counter(
      "sb_ptt_floor_requests_total", "Floor requests, by answer", {{"answer", "not_member"}});
};

ptt_metrics& ptt_counters() {
  static ptt_metrics m;
  return m;
}

/// The lane of a listener: always the same one, so that its events keep their order.
size_t lane_of(const std::string& session_id, size_t lanes) {
  return std::hash<std::string>{}(session_id) % lanes;
}

/// The group's store shard: its requests commit in the order it sends them.
persistence::shard_key shard_of(self_ptr self) {
  return persistence::shard_key("group:" + self->state.channel_id);
}

/// From ptt.fanout_lane_listeners listeners on, the group hands its writes to fan-out lanes
/// (fanout.hpp), for good: going back to writing itself could overtake what a lane still holds.
bool use_lanes(self_ptr self) {
  auto& st = self->state;
  auto threshold = st.deps.cfg.fanout_lane_listeners;
  if (st.lanes.empty() && threshold > 0 && st.listeners.size() >= threshold) {
    st.lanes = spawn_fanout_lanes(self, st.deps.cfg.fanout_lanes, ptt_lane);
    st.rosters_stale = true;
  }
  return !st.lanes.empty();
}

/// Derives what fan-out needs from the listeners: the wire protocols in use (nothing is
/// encoded for a wire nobody speaks) and each lane's listeners (a connection stays in one lane,
/// by its session id, so its events keep their order).
void refresh_rosters(self_ptr self) {
  auto& st = self->state;
  st.wires_in_use = {};
  for (const auto& l : st.listeners) st.wires_in_use[static_cast<size_t>(l.protocol)] = true;
  st.relays.clear();
  for (const auto& r : st.remote) {
    st.wires_in_use[static_cast<size_t>(r.protocol)] = true;
    if (std::find(st.relays.begin(), st.relays.end(), r.relay) == st.relays.end()) {
      st.relays.push_back(r.relay);
    }
  }
  st.lane_rosters.clear();
  if (!st.lanes.empty()) {
    std::vector<std::vector<listener>> parts(st.lanes.size());
    for (const auto& l : st.listeners) parts[lane_of(l.session_id, parts.size())].push_back(l);
    for (auto& p : parts)
      st.lane_rosters.push_back(std::make_shared<std::vector<listener>>(std::move(p)));
  }
  st.rosters_stale = false;
}

/// Sends `e` to every listener but the connections of `user`, or with `only_user` to those
/// alone (always reliably), encoded once per wire protocol.
void fan_out(self_ptr self, const ptt::talk_event& e, const std::string& user,
             bool only_user = false, int64_t audio_sent_us = 0) {
  auto& st = self->state;
  // Late audio is still recorded (the caller did that), but no longer worth anyone's wait.
  auto max_lag_us = st.deps.cfg.max_audio_lag.count() * 1000;
  if (e.what == kind::audio && is_late(audio_sent_us, max_lag_us)) return;
  bool laned = use_lanes(self);
  if (st.rosters_stale) refresh_rosters(self);
  delivery_job job;
  for (size_t i = 0; i < kWires; ++i) {
    const auto* enc = st.deps.encoders[i];
    if (enc && st.wires_in_use[i]) job.frames[i] = enc->encode(e);
  }
  job.mode = only_user ? ws::delivery::reliable : ptt::encoder::delivery_of(e);
  job.user = user;
  job.only_user = only_user;
  job.audio = e.what == kind::audio;
  if (!st.relays.empty()) {  // once per member, whatever its number of listeners
    auto relayed = caf::make_message(relay_job_atom::value, to_relay(job));
    for (const auto& relay : st.relays) caf::anon_send(relay, relayed);
  }
  if (!laned) return deliver(st.listeners, job);
  for (size_t i = 0; i < st.lanes.size(); ++i) {
    caf::anon_send(st.lanes[i], fanout_atom::value, job, st.lane_rosters[i]);
  }
}

/// Sends `e` to the connections of one user only.
void tell_user(self_ptr self, const ptt::talk_event& e, const std::string& user_id) {
  fan_out(self, e, user_id, true);
}

ptt::talk_event event_of(self_ptr self, kind what, const std::string& from) {
  ptt::talk_event e;
  e.what = what;
  e.type = ptt::channel_type::group;
  e.target = self->state.channel_id;
  e.from = from;
  e.at_ms = now_us() / 1000;
  return e;
}

/// Ends the current burst: closes its recording, stores it, tells the listeners, and calls
/// `done(message id, duration)` once the burst is committed ("" and 0 when nothing was
/// recorded). The floor is free as soon as this is called.
void end_burst(self_ptr self, std::function<void(std::string, int64_t)> done) {
  auto& st = self->state;
  const auto& deps = st.deps;
  auto floor = *st.floor;
  st.floor.reset();
  auto now_ms = now_us() / 1000;
  int64_t duration = now_ms - floor.started_ms;
  auto id = fmt::format("0_3_{}_{}_{}_{}ms.opus", st.channel_id, floor.user_id, now_ms, duration);
  auto key = fmt::format("{}-{}", st.channel_id, floor.burst);
  auto finish = [self, floor, done](std::string message_id, int64_t ms) {
    auto e = event_of(self, kind::ended, floor.user_id);
    e.message_id = message_id;
    e.duration_ms = ms;
    fan_out(self, e, floor.user_id);
    done(std::move(message_id), ms);
  };
  persistence::ptt_message m{
      id, st.tenant_id, 0, st.channel_id,          floor.user_id, "audio", std::nullopt,
      id, duration,     0, floor.started_ms * 1000};
  commit_burst(self, deps.recorder, key, std::move(m), std::move(finish));
}

/// Takes the floor from its holder without a STOP: the holder is told why.
void release(self_ptr self, ptt::release_reason reason) {
  auto holder = self->state.floor->user_id;
  auto e = event_of(self, kind::released, holder);
  e.reason = reason;
  tell_user(self, e, holder);
  end_burst(self, [](std::string, int64_t) {});
}

void grant(self_ptr self, const floor_request& r) {
  auto& st = self->state;
  const auto& deps = st.deps;
  auto now = clock_type::now();
  auto now_ms = now_us() / 1000;
  st.floor = talk_group_state::floor_state{r.user_id, r.session_id, r.dispatcher, r.emergency, now,
                                           now,       now_ms,       now_ms,       ++st.bursts};
  st.last_audio_ms = now_ms;
  st.last_talker = r.user_id;
  auto burst = st.floor->burst;
  self->send(deps.recorder, rec_open_atom::value, fmt::format("{}-{}", st.channel_id, burst));
  self->delayed_send(self, deps.cfg.max_audio, floor_timer_atom::value, burst,
                     static_cast<uint8_t>(ptt::release_reason::max_duration));
  self->delayed_send(self, deps.cfg.busy_timeout, floor_timer_atom::value, burst,
                     static_cast<uint8_t>(ptt::release_reason::busy_timeout));
  auto e = event_of(self, kind::started, r.user_id);
  e.dispatcher = r.dispatcher;
  e.emergency = r.emergency;
  e.start_raw = r.start_raw;
  fan_out(self, e, r.user_id);
}

void schedule_idle_check(self_ptr self) {
  auto& st = self->state;
  const auto& deps = st.deps;
  if (!st.listeners.empty() || !st.remote.empty() || st.floor) return;
  self->delayed_send(self, deps.cfg.group_idle, caf::timeout_atom::value, ++st.idle_generation);
}

/// Whether a listener goes: (session id, user id, its session or relay, on another member).
using listener_test = std::function<bool(const std::string& session_id, const std::string& user_id,
                                         const caf::actor& via, bool remote)>;

void remove_listeners(self_ptr self, const listener_test& gone, ptt::release_reason reason) {
  auto& st = self->state;
  bool holder_gone = false;
  auto leaves = [&](const std::string& session_id, const std::string& user_id,
                    const caf::actor& via, bool remote) {
    if (!gone(session_id, user_id, via, remote)) return false;
    if (st.floor && st.floor->session_id == session_id) holder_gone = true;
    return true;
  };
  auto removed = std::erase_if(st.listeners, [&](const listener& l) {
    return leaves(l.session_id, l.user_id, l.session, false);
  });
  removed += std::erase_if(st.remote, [&](const remote_listener& r) {
    return leaves(r.session_id, r.user_id, r.relay, true);
  });
  if (removed > 0) st.rosters_stale = true;
  if (holder_gone) release(self, reason);
  schedule_idle_check(self);
}

/// Answers whether `user` may listen, running `add` first when they may. A user who was not a
/// member when the group loaded may have been added since: the store is asked before refusing.
caf::result<bool> when_member(self_ptr self, const std::string& user, std::function<void()> add) {
  auto& st = self->state;
  if (st.members.count(user)) {
    add();
    return true;
  }
  auto rp = self->make_response_promise<bool>();
  st.deps.store.ask(
      self, shard_of(self), "is_listener",
      [tenant = st.tenant_id, channel = st.channel_id, user](soci::session& sql) {
        return persistence::is_channel_listener(sql, persistence::tenant_scope(tenant), channel,
                                                user);
      },
      [self, user, add, rp](bool member) mutable {
        if (member) {
          self->state.members.insert(user);
          add();
        }
        rp.deliver(member);
      },
      [rp](const persistence::store_failure& f) mutable { rp.deliver(f.to_error()); });
  return rp;
}

/// The group's behaviour. Until the channel and its members are loaded every message waits
/// (skip); loading ends with become(running), which hands the skipped messages back in order.
talk_group_actor::behavior_type running(self_ptr self) {
  static actor_census census{"talk_group"};
  auto loaded = [self] { return !self->state.tenant_id.empty(); };
  return {
      [=](subscribe_atom, listener& l) -> caf::result<bool> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto user = l.user_id;
        return when_member(self, user, [self, l = std::move(l)] {
          auto& st = self->state;
          std::erase_if(st.listeners, [&](const auto& x) { return x.session_id == l.session_id; });
          self->monitor(l.session);
          st.listeners.push_back(l);
          st.rosters_stale = true;
        });
      },
      [=](relay_atom, const std::string& session_id, const std::string& user_id, uint8_t protocol,
          const caf::actor& relay) -> caf::result<bool> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        remote_listener r{session_id, user_id, static_cast<wire>(protocol), relay};
        if (protocol >= kWires) return caf::make_error(errc::bad_request);
        return when_member(self, user_id, [self, r = std::move(r)] {
          auto& st = self->state;
          std::erase_if(st.remote, [&](const auto& x) { return x.session_id == r.session_id; });
          self->monitor(r.relay);
          st.remote.push_back(r);
          st.rosters_stale = true;
        });
      },
      [=](moved_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        spdlog::info("group {}: another member owns it now; handing its listeners back",
                     st.channel_id);
        if (st.floor) release(self, ptt::release_reason::disconnected);
        if (st.rosters_stale) refresh_rosters(self);
        for (const auto& l : st.listeners) {
          caf::anon_send(l.session, moved_atom::value, st.channel_id);
        }
        for (const auto& relay : st.relays) caf::anon_send(relay, moved_atom::value);
        self->quit();
        return caf::unit;
      },
      [=](unsubscribe_atom, const std::string& session_id) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        remove_listeners(
            self,
            [&](const std::string& id, const std::string&, const caf::actor&, bool) {
              return id == session_id;
            },
            ptt::release_reason::disconnected);
        return caf::unit;
      },
      [=](talk_start_atom, const floor_request& r) -> caf::result<uint8_t> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        std::optional<ptt::floor_claim> holder;
        bool holder_idle = false;
        if (st.floor) {
          holder = ptt::floor_claim{st.floor->user_id, st.floor->dispatcher, st.floor->emergency};
          holder_idle = clock_type::now() - st.floor->last_audio >= st.deps.cfg.max_idle;
        }
        auto verdict =
            ptt::arbitrate(holder ? &*holder : nullptr, {r.user_id, r.dispatcher, r.emergency},
                           st.members.count(r.user_id) > 0, holder_idle);
        switch (verdict) {
          case ptt::floor_verdict::not_member:
            ptt_counters().not_member.inc();
            return static_cast<uint8_t>(floor_answer::not_member);
          case ptt::floor_verdict::busy:
            ptt_counters().busy.inc();
            return static_cast<uint8_t>(floor_answer::busy);
          case ptt::floor_verdict::keep:
            st.floor->session_id = r.session_id;  // maybe on a new device
            break;
          case ptt::floor_verdict::preempt:
          case ptt::floor_verdict::take_over:
            release(self, verdict == ptt::floor_verdict::preempt ? ptt::release_reason::preempted
                                                                 : ptt::release_reason::taken_over);
            grant(self, r);
            break;
          case ptt::floor_verdict::grant:
            grant(self, r);
            break;
        }
        ptt_counters().granted.inc();
        return static_cast<uint8_t>(floor_answer::granted);
      },
      [=](talk_stop_atom, const std::string&,
          const std::string& user_id) -> caf::result<std::string, int64_t> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        // Only the holder's STOP frees the floor (the original let anyone's STOP clear it).
        if (!st.floor || st.floor->user_id != user_id) {
          return {std::string{}, int64_t{0}};
        }
        auto rp = self->make_response_promise<std::string, int64_t>();
        end_burst(self, [rp](std::string id, int64_t ms) mutable { rp.deliver(id, ms); });
        return rp;
      },
      [=](audio_atom, const std::string& session_id, const std::string& user_id,
          const audio_bytes& opus, int64_t sent_us) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        // Audio only from the holder's own connection: the floor is enforced here.
        if (!st.floor || st.floor->user_id != user_id || st.floor->session_id != session_id) {
          ptt_counters().frames_refused.inc();
          return caf::unit;
        }
        ptt_counters().frames_in.inc();
        st.floor->last_audio = clock_type::now();
        st.floor->last_audio_ms = st.last_audio_ms = now_us() / 1000;
        self->send(st.deps.recorder, rec_append_atom::value,
                   fmt::format("{}-{}", st.channel_id, st.floor->burst), opus);
        auto e = event_of(self, kind::audio, user_id);
        e.payload = opus;
        fan_out(self, e, user_id, false, sent_us);
        return caf::unit;
      },
      [=](text_atom, const std::string&, const std::string& user_id,
          const std::string& text) -> caf::result<std::string> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        if (!st.members.count(user_id)) return caf::make_error(errc::forbidden);
        auto rp = self->make_response_promise<std::string>();
        const auto& chat = *st.deps.chat;
        auto failed = [rp](caf::error& err) mutable { rp.deliver(std::move(err)); };
        self->request(chat.directory, chat.request_timeout, resolve_atom::value,
                      conversation_key(st.tenant_id, st.channel_id))
            .then(
                [self, rp, failed, user_id, text](const caf::actor& conv) mutable {
                  // The store is asked on the way: twice the store's timeout.
                  self->request(caf::actor_cast<conversation_actor>(conv),
                                self->state.deps.chat->request_timeout * 2, chat_send_atom::value,
                                chat_send{user_id, text, std::nullopt, caf::actor{}, {}})
                      .then([rp](const chat::message& m,
                                 const chat::conversation&) mutable { rp.deliver(m.id); },
                            failed);
                },
                failed);
        return rp;
      },
      [=](channel_text_atom, const chat::message& m) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto e = event_of(self, kind::text, m.sender_id);
        e.message_id = m.id;
        e.payload = std::make_shared<const std::string>(m.content);
        e.at_ms = m.created_at_us / 1000;
        fan_out(self, e, m.sender_id);
        return caf::unit;
      },
      [=](membership_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        self->state.deps.store.ask(
            self, shard_of(self), "group_members",
            [tenant = self->state.tenant_id, channel = self->state.channel_id](soci::session& sql) {
              return persistence::channel_listeners(sql, persistence::tenant_scope(tenant),
                                                    channel);
            },
            [self](std::vector<std::string>& members) {
              auto& st = self->state;
              st.members = {members.begin(), members.end()};
              remove_listeners(
                  self,
                  [&](const std::string& session_id, const std::string& user_id,
                      const caf::actor& via, bool remote) {
                    if (st.members.count(user_id)) return false;
                    // Tell the session (or its relay), so that it stops sending here too.
                    if (remote) {
                      caf::anon_send(via, relay_atom::value, session_id);
                    } else {
                      caf::anon_send(via, unsubscribe_atom::value, st.channel_id);
                    }
                    return true;
                  },
                  ptt::release_reason::removed);
            },
            [self](const persistence::store_failure& f) {
              spdlog::warn("group {}: membership reload failed: {}", self->state.channel_id,
                           code_string(f.code));
            });
        return caf::unit;
      },
      [=](traffic_atom) -> caf::result<bool, std::string, int64_t> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        bool active = st.floor.has_value();
        return {active, active ? st.floor->user_id : st.last_talker, st.last_audio_ms};
      },
      [=](floor_timer_atom, uint64_t burst, uint8_t reason) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        auto& st = self->state;
        if (st.floor && st.floor->burst == burst) {
          release(self, static_cast<ptt::release_reason>(reason));
        }
        return caf::unit;
      },
      [=](caf::timeout_atom, uint64_t generation) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        auto& st = self->state;
        if (generation == st.idle_generation && st.listeners.empty() && st.remote.empty() &&
            !st.floor) {
          self->quit();
        }
        return caf::unit;
      },
  };
}

}  // namespace

talk_group_actor::behavior_type talk_group_impl(self_ptr self, group_deps deps,
                                                std::string channel_id) {
  static actor_census census{"talk_group"};
  census.track(self);
  auto& st = self->state;
  st.deps = std::move(deps);
  st.channel_id = channel_id;
  self->set_down_handler([self](caf::down_msg& dm) {
    remove_listeners(
        self,
        [&](const std::string&, const std::string&, const caf::actor& via, bool) {
          return via.address() == dm.source;
        },
        ptt::release_reason::disconnected);
  });
  using loaded = std::pair<std::optional<persistence::ptt_channel>, std::vector<std::string>>;
  st.deps.store.ask(
      self, shard_of(self), "load_group",
      [channel_id](soci::session& sql) {
        loaded out;
        out.first = persistence::find_channel_any_tenant(sql, channel_id);
        if (out.first) {
          out.second = persistence::channel_listeners(
              sql, persistence::tenant_scope(out.first->tenant_id), channel_id);
        }
        return out;
      },
      [self](loaded& l) {
        auto& [channel, members] = l;
        if (!channel) return self->quit(caf::make_error(errc::not_found));
        auto& st = self->state;
        st.tenant_id = channel->tenant_id;
        st.event_id = channel->event_id;
        st.members = {members.begin(), members.end()};
        self->become(running(self));
        schedule_idle_check(self);
      },
      [self](const persistence::store_failure& f) { self->quit(f.to_error()); });
  return running(self);
}

}  // namespace sb
