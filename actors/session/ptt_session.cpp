#include "actors/session/ptt_session.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/error_metrics.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "persistence/store_job.hpp"

namespace sb {

namespace {

void reply(const session_deps& deps, std::string frame) {
  deps.out->send(ws::text_frame(frame));
}

void reply_error(const session_deps& deps, std::string_view id, errc code,
                 std::string_view message) {
  count_error(code);
  reply(deps, native::encode_error(id, code, message));
}

const joined_channel* joined(session_ptr self, const std::string& channel) {
  auto it = self->state.channels.find(channel);
  return it == self->state.channels.end() ? nullptr : &it->second;
}

}  // namespace

void join_heard_channels(session_ptr self, const session_deps& deps) {
  if (deps.who.type != principal::kind::user) return;
  auto job = persistence::make_result_job(
      "user_channels", [tenant = deps.who.tenant_id, user = deps.who.id](soci::session& sql) {
        return persistence::user_channels(sql, persistence::tenant_scope(tenant), user);
      });
  self->request(deps.store->route(std::hash<std::string>{}(deps.who.id)), deps.store_timeout,
                store_atom::value, job.job)
      .then(
          [self, deps, job]() {
            for (const auto& c : **job.value) {
              update_channel(self, deps, c.channel_id, true, c.dispatcher);
            }
          },
          [self](caf::error& err) {
            spdlog::warn("{}: could not load channels: {}", self->state.id,
                         self->system().render(err));
          });
}

void update_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                    bool hears, bool dispatcher) {
  auto& st = self->state;
  if (!hears) {
    if (auto* j = joined(self, channel)) {
      self->send(j->group, unsubscribe_atom::value, st.id);
      left_channel(self, deps, channel);
    }
    return;
  }
  if (auto it = st.channels.find(channel); it != st.channels.end()) {
    if (it->second.dispatcher != dispatcher) {
      it->second.dispatcher = dispatcher;
      reply(deps, native::encode_channel_joined(channel, dispatcher));
    }
    return;
  }
  self->request(deps.directory, deps.store_timeout, resolve_atom::value, "group:" + channel)
      .then(
          [self, deps, channel, dispatcher](caf::actor& group) {
            listener me{self->state.id, deps.who.id, deps.out, wire::native,
                        caf::actor_cast<caf::actor>(self)};
            self->request(group, deps.store_timeout, subscribe_atom::value, std::move(me))
                .then(
                    [self, deps, group, channel, dispatcher](bool accepted) {
                      if (!accepted) return;
                      self->state.channels[channel] = {group, dispatcher};
                      reply(deps, native::encode_channel_joined(channel, dispatcher));
                    },
                    [](caf::error&) {});
          },
          [](caf::error&) {});
}

void left_channel(session_ptr self, const session_deps& deps, const std::string& channel) {
  if (self->state.channels.erase(channel) > 0) reply(deps, native::encode_channel_left(channel));
}

void handle_ptt_start(session_ptr self, const session_deps& deps, const native::ptt_start& r) {
  auto* j = joined(self, r.channel);
  if (!j) return reply(deps, native::encode_ptt_denied(r.id, r.channel, "not_member"));
  self->request(j->group, deps.store_timeout, talk_start_atom::value, self->state.id, deps.who.id,
                j->dispatcher, int64_t{0})
      .then(
          [deps, r](uint8_t answer) {
            switch (static_cast<floor_answer>(answer)) {
              case floor_answer::granted:
                return reply(deps, native::encode_ptt_granted(r.id, r.channel));
              case floor_answer::busy:
                return reply(deps, native::encode_ptt_denied(r.id, r.channel, "busy"));
              case floor_answer::not_member:
                return reply(deps, native::encode_ptt_denied(r.id, r.channel, "not_member"));
            }
          },
          [deps, r](caf::error& err) {
            reply_error(deps, r.id, to_errc(err), "the floor request failed");
          });
}

void handle_ptt_stop(session_ptr self, const session_deps& deps, const native::ptt_stop& r) {
  auto* j = joined(self, r.channel);
  if (!j) return reply(deps, native::encode_ptt_stopped(r.id, r.channel, {}, 0));
  self->request(j->group, deps.store_timeout, talk_stop_atom::value, self->state.id, deps.who.id)
      .then(
          [deps, r](const std::string& message_id, int64_t duration) {
            reply(deps, native::encode_ptt_stopped(r.id, r.channel, message_id, duration));
          },
          [deps, r](caf::error& err) {
            reply_error(deps, r.id, to_errc(err), "the stop could not be recorded");
          });
}

void handle_text(session_ptr self, const session_deps& deps, native::text_message& r) {
  auto* j = joined(self, r.channel);
  if (!j) return reply_error(deps, r.id, errc::forbidden, "not a member of this channel");
  self->request(j->group, deps.store_timeout, text_atom::value, self->state.id, deps.who.id,
                std::move(r.text))
      .then(
          [deps, id = r.id](const std::string& message_id) {
            reply(deps, native::encode_text_ok(id, message_id));
          },
          [deps, id = r.id](caf::error& err) {
            auto code = persistence::store_errc(err);
            reply_error(deps, id, code,
                        code == errc::forbidden ? "not a member of this channel"
                                                : "the message could not be stored");
          });
}

void handle_audio(session_ptr self, const session_deps& deps, const std::string& channel,
                  const audio_bytes& opus) {
  // Straight to the group: it checks that this connection holds the floor.
  if (auto* j = joined(self, channel)) {
    self->send(j->group, audio_atom::value, self->state.id, deps.who.id, opus);
  }
}

}  // namespace sb
