#include "actors/session/session_actor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <functional>

#include "actors/presence/presence.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "actors/session/direct_talk.hpp"
#include "actors/session/emergency.hpp"
#include "actors/session/native_adapter.hpp"
#include "actors/session/native_calls.hpp"
#include "actors/session/native_chat.hpp"
#include "actors/session/native_ptt.hpp"
#include "actors/session/voiceping_adapter.hpp"
#include "actors/session/voiceping_ptt.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/error_metrics.hpp"
#include "persistence/notes.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

namespace {

using self_ptr = session_actor::stateful_pointer<session_state>;

void send_error(const session_deps& deps, std::string_view id, errc code,
                std::string_view message) {
  count_error(code);
  deps.out->send(ws::text_frame(native::encode_error(id, code, message)));
}

void handle_echo(self_ptr self, const session_deps& deps, native::echo& req) {
  auto& st = self->state;
  if (deps.node->draining.load()) {
    return send_error(deps, req.id, errc::shutting_down, "the server is shutting down");
  }
  if (*st.inflight >= deps.max_inflight) {
    return send_error(deps, req.id, errc::too_many_requests,
                      fmt::format("more than {} requests unanswered", deps.max_inflight));
  }
  ++*st.inflight;
  deps.node->inflight.fetch_add(1);
  auto done = [count = st.inflight, node = deps.node] {
    --*count;
    node->inflight.fetch_sub(1);
  };
  auto created = now_us();
  auto job = [session = st.id, text = req.text, created](soci::session& sql) {
    return persistence::insert_note(sql, session, text, created);
  };
  deps.store.ask(
      self, st.shard, "insert_note", std::move(job),
      [=, &deps, id = req.id, text = std::move(req.text)](int64_t note_id) {
        done();
        deps.out->send(ws::text_frame(native::encode_echo_ok(id, note_id, created, text)));
      },
      [=, &deps, id = req.id](const persistence::store_failure& f) {
        done();
        send_error(deps, id, f.code,
                   f.code == errc::db_unavailable ? "the database is unavailable, retry later"
                   : f.code == errc::storage_full ? persistence::kStorageFullText
                                                  : "the note could not be stored");
      });
}

/// Runs `fn` now if the session is ready, else once it is. When max_inflight messages wait
/// already, calls `refuse` instead (counted): a request gets an error, never silence. `fn` may
/// refer to the behavior's own `deps`: it lives as long as the actor.
template <class Fn, class Refuse>
void when_ready(self_ptr self, const session_deps& deps, Fn fn, Refuse refuse) {
  auto& st = self->state;
  if (st.ready) return fn();
  if (st.pending.size() >= deps.max_inflight) {
    count_error(errc::too_many_requests);
    return refuse();
  }
  st.pending.emplace_back(std::move(fn));
}

/// What a message that found the pre-ready queue full gets: nothing (VoicePing frames and
/// audio, which have no reply; counted in sb_errors_total).
void nothing() {}

void become_ready(self_ptr self) {
  auto& st = self->state;
  st.ready = true;
  auto pending = std::move(st.pending);
  st.pending.clear();
  for (auto& fn : pending) fn();
}

}  // namespace

session_actor::behavior_type session_impl(self_ptr self, session_deps given) {
  static actor_census census{"session"};
  // One copy of the deps, in the state, that every handler refers to: a copy captured by each
  // of the ten handlers cost several kilobytes per session.
  self->state.deps = std::move(given);
  const session_deps& deps = self->state.deps;
  census.track(self);
  self->state.id = fmt::format("session:{}", deps.out->id());
  self->state.shard = persistence::shard_key(self->state.id);
  spdlog::debug("{} opened by {}", self->state.id, deps.who.tag());
  // Replies to a dead actor are dropped: hand its unanswered requests back to the node count,
  // or shutdown would wait for them in vain.
  self->attach_functor([count = self->state.inflight, node = deps.node](const caf::error&) {
    node->inflight.fetch_sub(*count);
  });
  self->request(deps.directory, caf::infinite, register_atom::value, self->state.id,
                caf::actor_cast<caf::actor>(self), deps.tags)
      .then([](bool) {}, [](caf::error&) {});  // ids are unique per connection
  join_heard_channels(self, deps, [self] { become_ready(self); });
  if (deps.chat) {
    // A user's device: it makes the user present, and follows its chat partners' presence.
    open_chat_sink(self, deps);
    join_presence(*deps.chat, deps.who.tenant_id, deps.who.id, caf::actor_cast<caf::actor>(self),
                  false);
    watch_presence(self->system(), *deps.chat, deps.who.tenant_id, deps.who.id,
                   self->state.chat_sink, false);
  }
  if (deps.protocol == wire::voiceping) replace_older_connections(self, deps);
  return {
      [=, &deps](inbound_atom, native::request& req) {
        census.on_message(self);
        auto id = std::visit([](const auto& r) { return r.id; }, req);
        auto refuse = [&deps, id] {
          deps.out->send(ws::text_frame(native::encode_error(
              id, errc::too_many_requests,
              fmt::format("more than {} requests before the session was ready; retry",
                          deps.max_inflight))));
        };
        when_ready(
            self, deps,
            [self, &deps, req = std::move(req)]() mutable {
              std::visit(
                  [&](auto& r) {
                    using T = std::decay_t<decltype(r)>;
                    if constexpr (std::is_same_v<T, native::ping>) {
                      deps.out->send(ws::text_frame(native::encode_pong(r.id)));
                    } else if constexpr (std::is_same_v<T, native::echo>) {
                      handle_echo(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::ptt_start>) {
                      handle_ptt_start(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::ptt_stop>) {
                      handle_ptt_stop(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::text_message>) {
                      handle_text(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::receipt>) {
                      handle_receipt(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::emergency_start>) {
                      handle_emergency_start(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::call_invite>) {
                      handle_call_invite(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::call_request>) {
                      handle_call_request(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::chat_send_request>) {
                      handle_chat_send(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::chat_pointer_request>) {
                      handle_chat_pointer(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::chat_history_request>) {
                      handle_chat_history(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::chat_change_request>) {
                      handle_chat_change(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::chat_sync_request>) {
                      handle_chat_sync(self, deps, r);
                    } else if constexpr (std::is_same_v<T, native::presence_subscribe_request>) {
                      handle_presence_subscribe(self, deps, r);
                    } else {
                      handle_emergency_stop(self, deps, r);
                    }
                  },
                  req);
            },
            refuse);
      },
      [=, &deps](voiceping_atom, voiceping::frame& f) {
        census.on_message(self);
        when_ready(
            self, deps,
            [self, &deps, f = std::move(f)]() mutable { handle_voiceping(self, deps, f); },
            nothing);
      },
      [=, &deps](replaced_atom, const std::string& new_device) { replaced_by(deps, new_device); },
      [=, &deps](closed_atom, uint16_t code) {
        spdlog::debug("{} closed ({})", self->state.id, code);
        abandon_direct_bursts(self, deps);
        stop_emergency(self, deps, [] {});
        self->quit();
      },
      [=, &deps](audio_atom, audio_route route, const std::string& target,
                 const audio_bytes& opus) {
        when_ready(
            self, deps,
            [self, &deps, route, target, opus] { handle_audio(self, deps, route, target, opus); },
            nothing);
      },
      [=, &deps](direct_atom, const ptt::talk_event& e) { deliver_direct(deps, e); },
      [=, &deps](call_atom, const shared_bytes& frame) { deps.out->send(frame.ptr()); },
      [=, &deps](membership_atom, const std::string& channel, bool hears, bool dispatcher) {
        census.on_message(self);
        update_channel(self, deps, channel, hears, dispatcher);
      },
      [=, &deps](rejoin_atom, uint32_t attempt) {
        census.on_message(self);
        join_heard_channels(
            self, deps, [] {}, attempt);
      },
      [=, &deps](moved_atom, const std::string& channel) {
        census.on_message(self);
        auto it = self->state.channels.find(channel);
        if (it == self->state.channels.end()) return;
        bool dispatcher = it->second.dispatcher;
        self->state.channels.erase(it);
        rejoin_moved_channel(self, deps, channel, dispatcher, 0);
      },
      [=, &deps](moved_atom, const std::string& channel, bool dispatcher, uint32_t attempt) {
        census.on_message(self);
        rejoin_moved_channel(self, deps, channel, dispatcher, attempt);
      },
      [=, &deps](unsubscribe_atom, const std::string& channel) {
        census.on_message(self);
        left_channel(self, deps, channel);
      },
      [=, &deps](kick_atom, uint16_t code, const std::string& reason) {
        census.on_message(self);
        deps.out->close(code, reason);
      },
  };
}

}  // namespace sb
