#include "actors/presence/presence.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>
#include <memory>

#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/clock.hpp"
#include "persistence/chat/presence.hpp"
#include "protocols/chat/sio_chat.hpp"
#include "protocols/native/chat_codec.hpp"
#include "protocols/ws/frame.hpp"

namespace sb {

namespace {

using self_ptr = presence_actor::stateful_pointer<presence_state>;

chat_delivery encode(const presence_state& st) {
  auto text = chat::sio::presence_event(st.user_id, st.status, st.last_seen_us);
  auto frames = engineio::message::text(text);
  return chat_delivery{
      shared_bytes(ws::text_frame(native::encode_presence(st.user_id, st.status, st.last_seen_us))),
      shared_bytes(std::make_shared<const std::string>(std::move(text))),
      caf::actor{},
      "",
      0,
      std::move(frames)};
}

/// The state as it is now, encoded once for every watcher until it changes (a connection that
/// starts following 200 users is told 200 states, most of them unchanged for everyone).
const chat_delivery& current(presence_state& st) {
  if (!st.told) st.told = encode(st);
  return *st.told;
}

/// Tells every watcher the state as it is now; those whose connection closed are dropped.
void announce(self_ptr self) {
  auto& st = self->state;
  st.told.reset();
  const auto& d = current(st);
  std::erase_if(st.watchers, [&d](const chat_sink_ref& w) {
    auto sink = w.lock();
    if (sink) sink->deliver(d);
    return !sink;
  });
}

/// The status the sessions make (offline waits for the grace timer).
void update(self_ptr self) {
  auto& st = self->state;
  if (st.sessions.empty()) return;
  bool all_away =
      std::all_of(st.sessions.begin(), st.sessions.end(), [](const auto& s) { return s.second; });
  std::string now = all_away ? "away" : "online";
  if (now == st.status) return;
  st.status = std::move(now);
  announce(self);
}

/// While none of the user's sessions is connected, the actor checks every chat.idle_ms whether
/// anyone still follows it (a closed watcher sends nothing), and quits when nobody does.
void schedule_idle_check(self_ptr self) {
  auto& st = self->state;
  if (!st.sessions.empty()) return;
  self->delayed_send(self, st.deps.cfg.idle, caf::timeout_atom::value, ++st.idle_generation);
}

}  // namespace

std::string presence_key(const std::string& tenant_id, const std::string& user_id) {
  return "presence:" + tenant_id + ":" + user_id;
}

presence_actor::behavior_type presence_impl(self_ptr self, chat_deps deps, std::string key) {
  static actor_census census{"presence"};
  census.track(self);
  auto& st = self->state;
  st.deps = std::move(deps);
  std::tie(st.tenant_id, st.user_id) = tenant_and_id(key);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.sessions.erase(dm.source) && st.sessions.empty()) {
      // Offline only if no session comes back within the grace (a reconnect does not flap).
      self->delayed_send(self, st.deps.cfg.presence_grace, presence_grace_atom::value,
                         ++st.grace_generation);
    } else {
      update(self);
    }
    schedule_idle_check(self);
  });
  schedule_idle_check(self);
  return {
      [=](presence_join_atom, caf::actor session, bool away) {
        census.on_message(self);
        auto& st = self->state;
        if (!st.sessions.count(session.address())) self->monitor(session);
        st.sessions[session.address()] = away;
        ++st.grace_generation;  // a pending offline is off
        update(self);
      },
      [=](presence_watch_atom, chat_sink_ref& watcher, int64_t stored_last_seen) {
        census.on_message(self);
        auto& st = self->state;
        if (stored_last_seen > 0 && stored_last_seen > st.last_seen_us.value_or(0)) {
          st.last_seen_us = stored_last_seen;
          st.told.reset();
        }
        auto sink = watcher.lock();
        if (!sink) return;
        // Once per connection, however many reasons it has to follow this user.
        std::owner_less<chat_sink_ref> before;
        auto at = std::lower_bound(st.watchers.begin(), st.watchers.end(), watcher, before);
        if (at == st.watchers.end() || before(watcher, *at)) st.watchers.insert(at, watcher);
        sink->deliver(current(st));
      },
      [=](presence_grace_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation != st.grace_generation || !st.sessions.empty()) return;
        auto now = now_us();
        st.deps.store.ask(
            self, persistence::shard_key("presence:" + st.user_id), "record_last_seen",
            [tenant = st.tenant_id, user = st.user_id, now](soci::session& sql) {
              persistence::record_last_seen(sql, persistence::tenant_scope(tenant), user, now);
              return true;
            },
            [](bool) {},
            [user = st.user_id](const persistence::store_failure& f) {
              spdlog::warn("presence of {}: last seen not stored: {}", user, code_string(f.code));
            });
        // Told at once: lastSeen is the node's own clock either way.
        st.last_seen_us = now;
        st.status = "offline";
        announce(self);
        schedule_idle_check(self);
      },
      [=](caf::timeout_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation != st.idle_generation || !st.sessions.empty()) return;
        std::erase_if(st.watchers, [](const chat_sink_ref& w) { return w.expired(); });
        if (st.watchers.empty()) return self->quit();
        schedule_idle_check(self);
      },
  };
}

namespace {

/// Sends `msg` to the presence actor of `user_id`, activated on demand.
void tell_presence(const chat_deps& deps, const std::string& tenant_id, const std::string& user_id,
                   caf::message msg) {
  caf::anon_send(deps.directory, forward_atom::value, presence_key(tenant_id, user_id),
                 std::move(msg), true);
}

}  // namespace

void join_presence(const chat_deps& deps, const std::string& tenant_id, const std::string& user_id,
                   caf::actor session, bool away) {
  tell_presence(deps, tenant_id, user_id,
                caf::make_message(presence_join_atom::value, std::move(session), away));
}

namespace {

using seen_list = std::vector<std::pair<std::string, int64_t>>;

/// Each of `users` with the last time the store saw them (0: never).
seen_list with_last_seen(soci::session& sql, const persistence::tenant_scope& scope,
                         std::vector<std::string> users) {
  seen_list out;
  for (auto& u : users) {
    auto last = persistence::last_seen(sql, scope, u).value_or(0);
    out.emplace_back(std::move(u), last);
  }
  return out;
}

/// `watcher` follows each of `users`.
void follow(const chat_deps& deps, const std::string& tenant_id, const seen_list& users,
            const chat_sink_ref& watcher) {
  for (const auto& [u, last] : users) {
    tell_presence(deps, tenant_id, u, caf::make_message(presence_watch_atom::value, watcher, last));
  }
}

}  // namespace

void watch_presence(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                    const std::string& user_id, chat_sink_ref watcher, bool tenant_contacts) {
  sys.spawn([=](caf::event_based_actor* self) {
    deps.store.ask(
        self, persistence::shard_key("presence-watch:" + user_id), "presence_watch_list",
        [=](soci::session& sql) {
          persistence::tenant_scope scope(tenant_id);
          return with_last_seen(
              sql, scope,
              persistence::presence_watch_list(sql, scope, user_id, deps.cfg.presence_watch_limit,
                                               tenant_contacts));
        },
        [=](seen_list& users) { follow(deps, tenant_id, users, watcher); },
        [user_id](const persistence::store_failure& f) {
          spdlog::warn("presence watch list of {} not read: {}", user_id, code_string(f.code));
        });
  });
}

void subscribe_presence(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                        std::vector<std::string> user_ids, chat_sink_ref watcher, subscribed_ok ok,
                        chat_failed failed) {
  if (user_ids.size() > deps.cfg.presence_watch_limit) {
    return failed(caf::make_error(errc::bad_request,
                                  fmt::format("presence.subscribe names {} users; at most {} "
                                              "(chat.presence_watch_limit)",
                                              user_ids.size(), deps.cfg.presence_watch_limit)));
  }
  sys.spawn([=, user_ids = std::move(user_ids)](caf::event_based_actor* self) mutable {
    deps.store.ask(
        self, persistence::shard_key("presence-watch:" + tenant_id), "presence_subscribe",
        [=, user_ids = std::move(user_ids)](soci::session& sql) {
          persistence::tenant_scope scope(tenant_id);
          return with_last_seen(sql, scope, persistence::tenant_users(sql, scope, user_ids));
        },
        [=](seen_list& users) {
          // Answered first: the states the follows bring come after the answer.
          std::vector<std::string> ids;
          for (const auto& entry : users) ids.push_back(entry.first);
          ok(ids);
          follow(deps, tenant_id, users, watcher);
          self->quit();
        },
        [=](const persistence::store_failure& f) {
          failed(f.to_error());
          self->quit();
        });
  });
}

}  // namespace sb
