#include "actors/session/emergency.hpp"

#include <caf/all.hpp>

#include <memory>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/countdown.hpp"
#include "actors/session/audio_gate.hpp"
#include "config/domain/ptt/event_rules.hpp"
#include "config/ground/clock.hpp"
#include "persistence/connection.hpp"
#include "persistence/ptt/control_plane.hpp"

namespace sb {

using persistence::tenant_scope;

void start_emergency(session_ptr self, const session_deps& deps, const std::string& event_id,
                     std::function<void(const std::vector<std::string>&)> done, failed_fn failed) {
  if (!self->state.emergency_event.empty()) return failed(errc::conflict);
  audio_burst_started(self);
  deps.store.ask(
      self, event_id, "emergency_channels",
      [who = deps.who, event_id](soci::session& sql) {
        tenant_scope scope(who.tenant_id);
        if (!persistence::find_event(sql, scope, event_id)) {
          throw persistence::store_error(errc::not_found, "no such event");
        }
        if (!ptt::may_manage_event(
                who, persistence::is_event_dispatcher(sql, scope, event_id, who.id))) {
          throw persistence::store_error(errc::forbidden, "dispatchers only");
        }
        std::vector<std::string> ids;
        for (const auto& c : persistence::list_channels(sql, scope, event_id)) ids.push_back(c.id);
        return ids;
      },
      [self, deps, event_id, done](std::vector<std::string>& channels) {
        auto& st = self->state;
        st.emergency_event = event_id;
        auto granted = std::make_shared<std::vector<std::string>>();
        auto one_done = countdown(channels.size(), [done, granted] { done(*granted); });
        for (const auto& channel : channels) {
          self->request(deps.directory, deps.request_timeout, resolve_atom::value,
                        "group:" + channel)
              .then(
                  [self, deps, channel, granted, one_done](caf::actor& resolved) {
                    auto group = as_talk_group(resolved);
                    floor_request r{self->state.id, deps.who.id, true, true, {}};
                    self->request(group, deps.request_timeout, talk_start_atom::value, r)
                        .then(
                            [self, group, channel, granted, one_done](uint8_t answer) {
                              if (static_cast<floor_answer>(answer) == floor_answer::granted) {
                                self->state.emergency_groups[channel] = group;
                                granted->push_back(channel);
                              }
                              one_done();
                            },
                            [one_done](caf::error&) { one_done(); });
                  },
                  [one_done](caf::error&) { one_done(); });
        }
      },
      on_failure(failed));
}

void send_emergency_audio(session_ptr self, const session_deps& deps, const audio_bytes& opus) {
  for (const auto& [channel, group] : self->state.emergency_groups) {
    self->send(group, audio_atom::value, self->state.id, deps.who.id, opus, steady_us());
  }
}

void stop_emergency(session_ptr self, const session_deps& deps, std::function<void()> done) {
  auto& st = self->state;
  auto groups = std::move(st.emergency_groups);
  st.emergency_groups.clear();
  st.emergency_event.clear();
  auto one_done = countdown(groups.size(), std::move(done));
  for (const auto& [channel, group] : groups) {
    self->request(group, deps.request_timeout, talk_stop_atom::value, st.id, deps.who.id)
        .then([one_done](const std::string&, int64_t) { one_done(); },
              [one_done](caf::error&) { one_done(); });
  }
}

}  // namespace sb
