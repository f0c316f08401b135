#include "actors/session/group_talk.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/countdown.hpp"
#include "actors/session/audio_gate.hpp"
#include "config/ground/clock.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

namespace {

const joined_channel* joined(session_ptr self, const std::string& channel) {
  auto it = self->state.channels.find(channel);
  return it == self->state.channels.end() ? nullptr : &it->second;
}

void tell_native(const session_deps& deps, std::string frame) {
  if (deps.protocol == wire::native) deps.out->send(ws::text_frame(frame));
}

/// Resolves the channel's group and subscribes this session's connection to it: then
/// `answered(group, accepted)`, or `failed()` when the group could not be reached.
void subscribe_group(session_ptr self, const session_deps& deps, const std::string& channel,
                     std::function<void(const talk_group_actor&, bool)> answered,
                     std::function<void()> failed) {
  self->request(deps.directory, deps.request_timeout, resolve_atom::value, "group:" + channel)
      .then(
          [self, deps, answered, failed](caf::actor& resolved) {
            auto group = as_talk_group(resolved);
            listener me{self->state.id, deps.who.id, deps.out, deps.protocol,
                        caf::actor_cast<caf::actor>(self)};
            self->request(group, deps.request_timeout, subscribe_atom::value, std::move(me))
                .then([group, answered](bool accepted) { answered(group, accepted); },
                      [failed](caf::error&) { failed(); });
          },
          [failed](caf::error&) { failed(); });
}

}  // namespace

void join_heard_channels(session_ptr self, const session_deps& deps, std::function<void()> done,
                         uint32_t attempt) {
  if (deps.who.type != principal::kind::user) return done();
  deps.store.ask(
      self, deps.who.id, "user_channels",
      [tenant = deps.who.tenant_id, user = deps.who.id](soci::session& sql) {
        return persistence::user_channels(sql, persistence::tenant_scope(tenant), user);
      },
      [self, deps, done](std::vector<persistence::heard_channel>& channels) {
        auto one_done = countdown(channels.size(), done);
        for (const auto& c : channels) {
          update_channel(self, deps, c.channel_id, true, c.dispatcher, one_done);
        }
      },
      [self, done, attempt](const persistence::store_failure& f) {
        auto retry = std::chrono::seconds(std::min(30u, 1u << std::min(attempt, 5u)));
        spdlog::warn("{}: could not load channels ({}); trying again in {} s", self->state.id,
                     code_string(f.code), retry.count());
        self->delayed_send(self, retry, rejoin_atom::value, attempt + 1);
        done();
      });
}

void update_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                    bool hears, bool dispatcher, std::function<void()> done) {
  if (!done) done = [] {};
  auto& st = self->state;
  if (!hears) {
    if (auto* j = joined(self, channel)) {
      self->send(j->group, unsubscribe_atom::value, st.id);
      left_channel(self, deps, channel);
    }
    return done();
  }
  if (auto it = st.channels.find(channel); it != st.channels.end()) {
    if (it->second.dispatcher != dispatcher) {
      it->second.dispatcher = dispatcher;
      tell_native(deps, native::encode_channel_joined(channel, dispatcher));
    }
    return done();
  }
  subscribe_group(
      self, deps, channel,
      [self, deps, channel, dispatcher, done](const talk_group_actor& group, bool accepted) {
        if (accepted) {
          self->state.channels[channel] = {group, dispatcher};
          tell_native(deps, native::encode_channel_joined(channel, dispatcher));
        }
        done();
      },
      done);
}

void rejoin_moved_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                          bool dispatcher, uint32_t attempt) {
  constexpr uint32_t kAttempts = 40;
  subscribe_group(
      self, deps, channel,
      [self, deps, channel, dispatcher](const talk_group_actor& group, bool accepted) {
        spdlog::debug("{}: group {} moved; joined it again: {}", self->state.id, channel, accepted);
        if (accepted) {
          self->state.channels[channel] = {group, dispatcher};
        } else {
          tell_native(deps, native::encode_channel_left(channel));  // removed meanwhile
        }
      },
      [self, deps, channel, dispatcher, attempt] {
        if (attempt + 1 < kAttempts) {
          self->delayed_send(self, std::chrono::milliseconds(250), moved_atom::value, channel,
                             dispatcher, attempt + 1);
          return;
        }
        spdlog::warn("{}: could not join group {} again after it moved", self->state.id, channel);
        tell_native(deps, native::encode_channel_left(channel));
      });
}

void left_channel(session_ptr self, const session_deps& deps, const std::string& channel) {
  if (self->state.channels.erase(channel) > 0) {
    tell_native(deps, native::encode_channel_left(channel));
  }
}

void request_floor(session_ptr self, const session_deps& deps, const std::string& channel,
                   std::string start_raw, std::function<void(floor_answer)> done,
                   failed_fn failed) {
  auto* j = joined(self, channel);
  if (!j) return done(floor_answer::not_member);
  audio_burst_started(self);
  floor_request r{self->state.id, deps.who.id, j->dispatcher, false, std::move(start_raw)};
  self->request(j->group, deps.request_timeout, talk_start_atom::value, std::move(r))
      .then([done](uint8_t answer) { done(static_cast<floor_answer>(answer)); },
            [failed](caf::error& err) { failed(to_errc(err)); });
}

void release_floor(session_ptr self, const session_deps& deps, const std::string& channel,
                   std::function<void(const std::string&, int64_t)> done, failed_fn failed) {
  auto* j = joined(self, channel);
  if (!j) return done({}, 0);
  self->request(j->group, deps.request_timeout, talk_stop_atom::value, self->state.id, deps.who.id)
      .then([done](const std::string& message_id, int64_t duration) { done(message_id, duration); },
            [failed](caf::error& err) { failed(to_errc(err)); });
}

void send_group_text(session_ptr self, const session_deps& deps, const std::string& channel,
                     std::string text, std::function<void(const std::string&)> done,
                     failed_fn failed) {
  auto* j = joined(self, channel);
  if (!j) return failed(errc::forbidden);
  self->request(j->group, deps.request_timeout, text_atom::value, self->state.id, deps.who.id,
                std::move(text))
      .then([done](const std::string& message_id) { done(message_id); },
            [failed](caf::error& err) { failed(persistence::store_errc(err)); });
}

void send_group_audio(session_ptr self, const session_deps& deps, const std::string& channel,
                      const audio_bytes& opus) {
  if (auto* j = joined(self, channel)) {
    self->send(j->group, audio_atom::value, self->state.id, deps.who.id, opus, steady_us());
  }
}

}  // namespace sb
