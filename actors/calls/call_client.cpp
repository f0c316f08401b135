#include "actors/calls/call_client.hpp"

#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/store_job.hpp"

namespace sb {

namespace {

/// Invite: the store (twice), the directory and the devices, each within the store timeout.
std::chrono::milliseconds invite_timeout(const call_deps& deps) {
  return deps.request_timeout * 4;
}

/// A call that is no longer live, answered from the store.
void answer_finished(caf::event_based_actor* self, const call_deps& deps,
                     const std::string& call_id, const call_command& cmd, const call_ok& ok,
                     const call_failed& failed) {
  deps.store.ask(
      self, call_shard(call_id), "find_call",
      [tenant = cmd.tenant_id, call_id](soci::session& sql) {
        return persistence::find_call(sql, persistence::tenant_scope(tenant), call_id);
      },
      [self, cmd, ok, failed](std::optional<calls::call_row>& found) {
        auto no =
            calls::refusal_for(found ? &*found : nullptr, cmd.tenant_id, cmd.user_id, cmd.action);
        // No actor holds the call: it is over (or was left by a crash, not yet closed).
        if (!no && cmd.action != calls::call_action::status) {
          no = calls::call_refusal{errc::conflict, "the call has ended"};
        }
        if (no) {
          failed(caf::make_error(no->code, std::move(no->message)));
        } else {
          ok(*found);
        }
        self->quit();
      },
      [self, failed](const persistence::store_failure& f) {
        failed(f.to_error());
        self->quit();
      });
}

}  // namespace

call_setup setup_of(const principal& who, const native::call_invite& r, caf::actor device) {
  call_setup setup;
  setup.tenant_id = who.tenant_id;
  setup.caller_id = who.id;
  for (const auto& target : r.callees) setup.callees.push_back(calls::callee_of(target));
  setup.media = r.media;
  setup.room_id = r.room_id;
  setup.sdp = r.sdp;
  setup.device = std::move(device);
  return setup;
}

call_command command_of(const principal& who, const native::call_request& r, caf::actor device) {
  call_command cmd;
  cmd.action = r.action;
  cmd.tenant_id = who.tenant_id;
  cmd.user_id = who.id;
  cmd.device = std::move(device);
  cmd.to = r.to;
  cmd.payload = r.payload;
  cmd.audio = r.audio;
  cmd.video = r.video;
  return cmd;
}

void place_call(caf::actor_system& sys, const call_deps& deps, call_setup setup, call_ok ok,
                call_failed failed) {
  auto call = sys.spawn(call_impl, deps, crypto::random_uuid());
  sys.spawn([call, timeout = invite_timeout(deps), setup = std::move(setup), ok,
             failed](caf::event_based_actor* self) {
    self->request(call, timeout, invite_atom::value, setup)
        .then(
            [self, ok](const calls::call_row& c) {
              ok(c);
              self->quit();
            },
            [self, failed](caf::error& err) {
              failed(err);
              self->quit();
            });
  });
}

void ask_call(caf::actor_system& sys, const call_deps& deps, const std::string& call_id,
              call_command cmd, call_ok ok, call_failed failed) {
  sys.spawn([deps, call_id, cmd = std::move(cmd), ok, failed](caf::event_based_actor* self) {
    if (!crypto::is_uuid(call_id)) {
      failed(caf::make_error(errc::not_found, std::string("no such call")));
      return self->quit();
    }
    self->request(finder_of(deps), deps.request_timeout, lookup_atom::value, "call:" + call_id)
        .then(
            [self, deps, call_id, cmd, ok, failed](const caf::actor& call) {
              self->request(caf::actor_cast<call_actor>(call), deps.request_timeout * 2,
                            call_cmd_atom::value, cmd)
                  .then(
                      [self, ok](const calls::call_row& c) {
                        ok(c);
                        self->quit();
                      },
                      [self, deps, call_id, cmd, ok, failed](caf::error& err) {
                        // The call ended between the lookup and the command.
                        if (err == caf::sec::request_receiver_down) {
                          return answer_finished(self, deps, call_id, cmd, ok, failed);
                        }
                        failed(err);
                        self->quit();
                      });
            },
            [self, deps, call_id, cmd, ok, failed](caf::error&) {
              answer_finished(self, deps, call_id, cmd, ok, failed);
            });
  });
}

}  // namespace sb
