#include "actors/ptt/group_relay.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>

#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/metrics.hpp"

namespace sb {

namespace {

using self_ptr = group_relay_actor::stateful_pointer<group_relay_state>;
using namespace std::chrono_literals;

constexpr auto kRetry = 250ms;

metrics::counter& relayed_events() {
  static auto& c = metrics::global().get_counter(
      "sb_cluster_relayed_events_total",
      "Talk-group events this member's relays received from groups owned elsewhere (one per "
      "event and member, however many listeners it has)");
  return c;
}

std::string qualified(self_ptr self, const std::string& session_id) {
  return self->state.deps.member + "/" + session_id;
}

caf::actor as_actor(self_ptr self) {
  return caf::actor_cast<caf::actor>(self);
}

/// The group moved or its owner is gone: the sessions resolve it again, wherever it is now.
void hand_back(self_ptr self) {
  auto& st = self->state;
  for (const auto& l : st.listeners) caf::anon_send(l.session, moved_atom::value, st.channel_id);
  st.listeners.clear();
  self->quit();
}

void schedule_idle_check(self_ptr self) {
  auto& st = self->state;
  if (!st.listeners.empty()) return;
  self->delayed_send(self, st.deps.cfg.group_idle, caf::timeout_atom::value, ++st.idle_generation);
}

void drop_listener(self_ptr self, const std::function<bool(const listener&)>& gone) {
  auto& st = self->state;
  std::erase_if(st.listeners, [&](const listener& l) {
    if (!gone(l)) return false;
    if (st.owner) self->send(st.owner, unsubscribe_atom::value, qualified(self, l.session_id));
    return true;
  });
  schedule_idle_check(self);
}

group_relay_actor::behavior_type running(self_ptr self);

/// Asks the members for the group on its owner; until it answers, requests wait (skip).
void find_owner(self_ptr self) {
  auto& st = self->state;
  self->request(st.deps.finder, st.deps.request_timeout, resolve_atom::value,
                "group:" + st.channel_id)
      .then(
          [self](caf::actor& found) {
            auto& st = self->state;
            spdlog::debug("group {}: relaying to its owner on node {}", st.channel_id,
                          caf::to_string(found.node()));
            st.owner = as_talk_group(found);
            self->monitor(st.owner);
            self->become(running(self));  // hands the waiting requests back
          },
          [self](caf::error& err) {
            auto& st = self->state;
            if (std::chrono::steady_clock::now() - st.searching_since > st.deps.find_for) {
              spdlog::warn("group {}: no member could run it: {}", st.channel_id,
                           self->system().render(err));
              return self->quit(caf::make_error(errc::timeout));
            }
            self->delayed_send(self, kRetry, rejoin_atom::value);
          });
}

group_relay_actor::behavior_type running(self_ptr self) {
  static actor_census census{"group_relay"};
  auto found = [self] { return static_cast<bool>(self->state.owner); };
  return {
      [=](subscribe_atom, listener& l) -> caf::result<bool> {
        if (!found()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        auto rp = self->make_response_promise<bool>();
        self->request(st.owner, st.deps.request_timeout, relay_atom::value,
                      qualified(self, l.session_id), l.user_id, static_cast<uint8_t>(l.protocol),
                      as_actor(self))
            .then(
                [self, l, rp](bool accepted) mutable {
                  if (accepted) {
                    auto& st = self->state;
                    std::erase_if(st.listeners,
                                  [&](const auto& x) { return x.session_id == l.session_id; });
                    self->monitor(l.session);
                    st.listeners.push_back(std::move(l));
                  }
                  rp.deliver(accepted);
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [=](unsubscribe_atom, const std::string& session_id) -> caf::result<void> {
        if (!found()) return caf::skip;
        census.on_message(self);
        drop_listener(self, [&](const listener& l) { return l.session_id == session_id; });
        return caf::unit;
      },
      [=](talk_start_atom, floor_request& r) -> caf::result<uint8_t> {
        if (!found()) return caf::skip;
        census.on_message(self);
        r.session_id = qualified(self, r.session_id);
        return self->delegate(self->state.owner, talk_start_atom::value, std::move(r));
      },
      [=](talk_stop_atom, const std::string& session_id,
          const std::string& user_id) -> caf::result<std::string, int64_t> {
        if (!found()) return caf::skip;
        census.on_message(self);
        return self->delegate(self->state.owner, talk_stop_atom::value, qualified(self, session_id),
                              user_id);
      },
      [=](audio_atom, const std::string& session_id, const std::string& user_id,
          const audio_bytes& opus, int64_t sent_us) -> caf::result<void> {
        if (!found()) return caf::skip;
        // The age is judged here, on the clock that stamped it; the owner takes it as fresh.
        if (is_late(sent_us, self->state.deps.cfg.max_audio_lag.count() * 1000)) return caf::unit;
        self->send(self->state.owner, audio_atom::value, qualified(self, session_id), user_id, opus,
                   int64_t{0});
        return caf::unit;
      },
      [=](text_atom, const std::string& session_id, const std::string& user_id,
          const std::string& text) -> caf::result<std::string> {
        if (!found()) return caf::skip;
        census.on_message(self);
        return self->delegate(self->state.owner, text_atom::value, qualified(self, session_id),
                              user_id, text);
      },
      [=](channel_text_atom, const chat::message& m) -> caf::result<void> {
        if (!found()) return caf::skip;
        self->send(self->state.owner, channel_text_atom::value, m);
        return caf::unit;
      },
      // The owner reloads the members (the news reaches every member) and drops listeners
      // through relay(session).
      [=](membership_atom) {},
      [=](traffic_atom) -> caf::result<bool, std::string, int64_t> {
        if (!found()) return caf::skip;
        return self->delegate(self->state.owner, traffic_atom::value);
      },
      [=](floor_timer_atom, uint64_t, uint8_t) {},  // the owner's timers, never sent here
      [=](caf::timeout_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation == st.idle_generation && st.listeners.empty()) self->quit();
      },
      [=](relay_atom, const std::string& session_id, const std::string& user_id, uint8_t protocol,
          const caf::actor& relay) -> caf::result<bool> {
        if (!found()) return caf::skip;
        return self->delegate(self->state.owner, relay_atom::value, session_id, user_id, protocol,
                              relay);
      },
      [=](moved_atom) {
        census.on_message(self);
        hand_back(self);
      },
      [=](relay_job_atom, const relay_frames& frames) {
        relayed_events().inc();
        deliver(self->state.listeners, from_relay(frames));
      },
      [=](relay_atom, const std::string& qualified_id) {
        census.on_message(self);
        auto& st = self->state;
        drop_listener(self, [&](const listener& l) {
          if (qualified(self, l.session_id) != qualified_id) return false;
          caf::anon_send(l.session, unsubscribe_atom::value, st.channel_id);
          return true;
        });
      },
      [=](rejoin_atom) { find_owner(self); },
  };
}

}  // namespace

group_relay_actor::behavior_type group_relay_impl(self_ptr self, relay_deps deps,
                                                  std::string channel_id) {
  static actor_census census{"group_relay"};
  census.track(self);
  auto& st = self->state;
  st.deps = std::move(deps);
  st.channel_id = std::move(channel_id);
  st.searching_since = std::chrono::steady_clock::now();
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.owner && dm.source == st.owner.address()) {
      spdlog::info("group {}: its owner is gone; the sessions look for it again", st.channel_id);
      st.owner = talk_group_actor{};
      return hand_back(self);
    }
    drop_listener(self, [&](const listener& l) { return l.session.address() == dm.source; });
  });
  find_owner(self);
  schedule_idle_check(self);
  return running(self);
}

}  // namespace sb
