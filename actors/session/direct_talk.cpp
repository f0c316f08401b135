#include "actors/session/direct_talk.hpp"

#include <fmt/format.h>
#include <caf/all.hpp>

#include "actors/ptt/recorder.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/session/audio_gate.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/ptt/messages.hpp"

namespace sb {

namespace {

using kind = ptt::talk_event::kind;
using persistence::tenant_scope;

ptt::talk_event event_to(const session_deps& deps, kind what, const std::string& to) {
  ptt::talk_event e;
  e.what = what;
  e.type = ptt::channel_type::direct;
  e.target = to;
  e.from = deps.who.id;
  e.at_ms = now_us() / 1000;
  return e;
}

void send_to(const std::vector<caf::actor>& peers, const ptt::talk_event& e) {
  for (const auto& p : peers) caf::anon_send(as_session(p), direct_atom::value, e);
}

/// Sends `e` to the sessions `to` has right now.
void tell_user(session_ptr self, const session_deps& deps, const std::string& to,
               ptt::talk_event e) {
  self->request(deps.directory, deps.request_timeout, tagged_atom::value, "user:" + to)
      .then([self, e](const std::vector<caf::actor>& peers) { send_to(peers, e); },
            [](caf::error&) {});
}

void require_user(soci::session& sql, const std::string& tenant, const std::string& id) {
  // Not a UUID (VoicePing ids can be anything): nobody, and no query that could choke on it.
  if (!crypto::is_uuid(id) || !persistence::find_user(sql, tenant_scope(tenant), id)) {
    throw persistence::store_error(errc::not_found, "no such user");
  }
}

/// Ends one burst: the recording is committed, then the peers hear the end.
template <class Self>
void finish_burst(Self* self, const session_deps& deps, const std::string& to,
                  const direct_burst& b, std::function<void(const std::string&, int64_t)> done) {
  auto now_ms = now_us() / 1000;
  int64_t duration = now_ms - b.started_ms;
  auto id = fmt::format("1_3_{}_{}_{}_{}ms.opus", to, deps.who.id, now_ms, duration);
  persistence::ptt_message m{
      id, deps.who.tenant_id, 1, to, deps.who.id, "audio", std::nullopt, id, duration,
      0,  b.started_ms * 1000};
  auto ended = event_to(deps, kind::ended, to);
  commit_burst(self, deps.recorder, b.recording, std::move(m),
               [self, peers = b.peers, ended, done](std::string message_id, int64_t ms) mutable {
                 ended.message_id = message_id;
                 ended.duration_ms = ms;
                 send_to(peers, ended);
                 done(message_id, ms);
               });
}

}  // namespace

void start_direct(session_ptr self, const session_deps& deps, const std::string& to,
                  std::string start_raw, std::function<void()> done, failed_fn failed) {
  if (self->state.direct.count(to)) return done();  // a repeated START keeps the burst
  audio_burst_started(self);
  deps.store.ask(
      self, to, "direct_peer",
      [tenant = deps.who.tenant_id, to](soci::session& sql) {
        require_user(sql, tenant, to);
        return true;
      },
      [self, deps, to, start_raw, done, failed](bool) {
        self->request(deps.directory, deps.request_timeout, tagged_atom::value, "user:" + to)
            .then(
                [self, deps, to, start_raw, done](std::vector<caf::actor>& peers) {
                  auto& st = self->state;
                  if (st.direct.count(to)) return done();
                  auto key = fmt::format("{}-direct-{}", st.id, ++st.bursts);
                  self->send(deps.recorder, rec_open_atom::value, key);
                  auto e = event_to(deps, kind::started, to);
                  e.start_raw = start_raw;
                  send_to(peers, e);
                  st.direct[to] = direct_burst{std::move(peers), key, e.at_ms};
                  done();
                },
                [failed](caf::error&) { failed(errc::internal); });
      },
      on_failure(failed));
}

void send_direct_audio(session_ptr self, const session_deps& deps, const std::string& to,
                       const audio_bytes& opus) {
  auto it = self->state.direct.find(to);
  if (it == self->state.direct.end()) return;  // no START: dropped, like group audio
  self->send(deps.recorder, rec_append_atom::value, it->second.recording, opus);
  auto e = event_to(deps, kind::audio, to);
  e.payload = opus;
  send_to(it->second.peers, e);
}

void stop_direct(session_ptr self, const session_deps& deps, const std::string& to,
                 std::function<void(const std::string&, int64_t)> done) {
  auto it = self->state.direct.find(to);
  if (it == self->state.direct.end()) return done({}, 0);
  auto burst = std::move(it->second);
  self->state.direct.erase(it);
  finish_burst(self, deps, to, burst, std::move(done));
}

void send_direct_text(session_ptr self, const session_deps& deps, const std::string& to,
                      std::string text, std::function<void(const std::string&)> done,
                      failed_fn failed) {
  auto now = now_us();
  auto& st = self->state;
  auto id = ptt::text_message_id(ptt::channel_type::direct, to, deps.who.id,
                                 st.text_clock.next(now / 1000));
  persistence::ptt_message m{id,          deps.who.tenant_id,
                             1,           to,
                             deps.who.id, "text",
                             text,        std::nullopt,
                             0,           static_cast<int64_t>(text.size()),
                             now};
  deps.store.ask(
      self, to, "direct_text",
      [m](soci::session& sql) {
        require_user(sql, m.tenant_id, m.target);
        persistence::insert_ptt_message(sql, m);
        return true;
      },
      [self, deps, to, id, text, done](bool) {
        auto e = event_to(deps, kind::text, to);
        e.message_id = id;
        e.payload = std::make_shared<const std::string>(text);
        tell_user(self, deps, to, std::move(e));
        done(id);
      },
      on_failure(failed));
}

void send_receipt(session_ptr self, const session_deps& deps, const std::string& to,
                  const std::string& message_id, bool read, std::function<void()> done,
                  failed_fn failed) {
  deps.store.ask(
      self, to, "receipt",
      [tenant = deps.who.tenant_id, me = deps.who.id, to, message_id, read](soci::session& sql) {
        require_user(sql, tenant, to);
        // Only the recipient of a message from `to` marks it; other ids are just forwarded.
        persistence::mark_ptt_message(sql, tenant_scope(tenant), message_id, to, me, read);
        return true;
      },
      [self, deps, to, message_id, read, done](bool) {
        auto e = event_to(deps, kind::receipt, to);
        e.message_id = message_id;
        e.read = read;
        tell_user(self, deps, to, std::move(e));
        done();
      },
      on_failure(failed));
}

void deliver_direct(const session_deps& deps, const ptt::talk_event& e) {
  if (auto frame = deps.encoder ? deps.encoder->encode(e) : nullptr) {
    deps.out->send(frame, ptt::encoder::delivery_of(e));
  }
}

void abandon_direct_bursts(session_ptr self, const session_deps& deps) {
  for (auto& [to, burst] : self->state.direct) {
    self->system().spawn([deps, to = to, burst = std::move(burst)](caf::event_based_actor* a) {
      finish_burst(a, deps, to, burst, [a](const std::string&, int64_t) { a->quit(); });
    });
  }
  self->state.direct.clear();
}

}  // namespace sb
