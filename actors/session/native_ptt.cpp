#include "actors/session/native_ptt.hpp"

#include "actors/session/audio_gate.hpp"
#include "actors/session/direct_talk.hpp"
#include "actors/session/emergency.hpp"
#include "config/ground/crypto.hpp"
#include "config/ground/error_metrics.hpp"

namespace sb {

namespace {

using native::talk_target;

void reply(const session_deps& deps, std::string frame) {
  deps.out->send(ws::text_frame(frame));
}

void reply_error(const session_deps& deps, const std::string& id, errc code,
                 std::string_view message) {
  count_error(code);
  reply(deps, native::encode_error(id, code, message));
}

std::string_view message_of(errc code) {
  switch (code) {
    case errc::not_found:
      return "no such user or event in this tenant";
    case errc::forbidden:
      return "not allowed here";
    case errc::conflict:
      return "an emergency broadcast of this session is already running";
    case errc::db_unavailable:
      return "the database is unavailable, retry later";
    default:
      return "the request failed";
  }
}

failed_fn error_reply(const session_deps& deps, const std::string& id) {
  return [deps, id](errc code) { reply_error(deps, id, code, message_of(code)); };
}

bool is_direct(const talk_target& t) {
  return t.type == ptt::channel_type::direct;
}

}  // namespace

void handle_ptt_start(session_ptr self, const session_deps& deps, const native::ptt_start& r) {
  if (is_direct(r.target)) {
    return start_direct(
        self, deps, r.target.id, {},
        [deps, r] { reply(deps, native::encode_ptt_granted(r.id, r.target)); },
        [deps, r](errc code) {
          if (code == errc::not_found) {
            return reply(deps, native::encode_ptt_denied(r.id, r.target, "unknown_user"));
          }
          reply_error(deps, r.id, code, message_of(code));
        });
  }
  request_floor(
      self, deps, r.target.id, {},
      [deps, r](floor_answer answer) {
        switch (answer) {
          case floor_answer::granted:
            return reply(deps, native::encode_ptt_granted(r.id, r.target));
          case floor_answer::busy:
            return reply(deps, native::encode_ptt_denied(r.id, r.target, "busy"));
          case floor_answer::not_member:
            return reply(deps, native::encode_ptt_denied(r.id, r.target, "not_member"));
        }
      },
      error_reply(deps, r.id));
}

void handle_ptt_stop(session_ptr self, const session_deps& deps, const native::ptt_stop& r) {
  auto done = [deps, r](const std::string& message_id, int64_t duration) {
    reply(deps, native::encode_ptt_stopped(r.id, r.target, message_id, duration));
  };
  if (is_direct(r.target)) return stop_direct(self, deps, r.target.id, done);
  release_floor(self, deps, r.target.id, done, error_reply(deps, r.id));
}

void handle_text(session_ptr self, const session_deps& deps, native::text_message& r) {
  auto done = [deps, id = r.id](const std::string& message_id) {
    reply(deps, native::encode_text_ok(id, message_id));
  };
  if (is_direct(r.target)) {
    return send_direct_text(self, deps, r.target.id, std::move(r.text), done,
                            error_reply(deps, r.id));
  }
  send_group_text(self, deps, r.target.id, std::move(r.text), done, [deps, id = r.id](errc code) {
    reply_error(deps, id, code,
                code == errc::forbidden ? "not a member of this channel"
                                        : "the message could not be stored");
  });
}

void handle_receipt(session_ptr self, const session_deps& deps, const native::receipt& r) {
  send_receipt(
      self, deps, r.to, r.message_id, r.read,
      [deps, id = r.id] { reply(deps, native::encode_receipt_ok(id)); }, error_reply(deps, r.id));
}

void handle_emergency_start(session_ptr self, const session_deps& deps,
                            const native::emergency_start& r) {
  if (!crypto::is_uuid(r.event)) return reply_error(deps, r.id, errc::not_found, "no such event");
  start_emergency(
      self, deps, r.event,
      [deps, r](const std::vector<std::string>& channels) {
        reply(deps, native::encode_emergency_started(r.id, r.event, channels));
      },
      error_reply(deps, r.id));
}

void handle_emergency_stop(session_ptr self, const session_deps& deps,
                           const native::emergency_stop& r) {
  stop_emergency(self, deps,
                 [deps, id = r.id] { reply(deps, native::encode_emergency_stopped(id)); });
}

void handle_audio(session_ptr self, const session_deps& deps, audio_route route,
                  const std::string& target, const audio_bytes& opus) {
  if (!audio_admitted(self, deps, opus->size())) return;
  switch (route) {
    case audio_route::group:
      return send_group_audio(self, deps, target, opus);
    case audio_route::direct:
      return send_direct_audio(self, deps, target, opus);
    case audio_route::emergency:
      return send_emergency_audio(self, deps, opus);
  }
}

}  // namespace sb
