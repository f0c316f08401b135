#include "actors/session/voiceping_ptt.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/ptt/membership_news.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/session/audio_gate.hpp"
#include "actors/session/direct_talk.hpp"
#include "config/ground/crypto.hpp"
#include "config/ground/json_input.hpp"

namespace sb {

namespace {

using voiceping::channel;
using voiceping::frame;
using mt = voiceping::message_type;

void send_frame(const ws::outbound_ptr& out, const std::string& bytes) {
  out->send(ws::make_frame(ws::opcode::binary, bytes));
}

/// What a frame carries for our id: in the drop-in tenant, the foreign id linked to it.
msgpack::value wire_id(const session_deps& deps, const std::string& ours) {
  const auto* naming = deps.voiceping.get();
  return naming && naming->ids ? naming->ids->wire_of(ours) : msgpack::value(ours);
}

/// Our id for a frame's toId: in the drop-in tenant a foreign user or channel id is linked to
/// ours; any other id is taken as ours (and names nobody if it is not).
std::string target_of(const session_deps& deps, const frame& f) {
  auto id = voiceping::id_string(f.to);
  const auto* naming = deps.voiceping.get();
  if (!naming || !naming->foreign_in(deps.who.tenant_id)) return id;
  auto k = f.type == channel::group ? voiceping::wire_ids::kind::channel
                                    : voiceping::wire_ids::kind::user;
  return naming->ids->internal_of(k, id).value_or(id);
}

/// Writes replies for one frame: [ct, type, me, toId as the client sent it, …].
struct replier {
  ws::outbound_ptr out;
  msgpack::value me;
  channel type;
  msgpack::value to;

  void send(mt what, const msgpack::value& payload,
            const std::optional<msgpack::value>& message_id = std::nullopt) const {
    send_frame(out, voiceping::encode(type, what, me, to, payload, message_id));
  }
  void stop_ack(const std::string& message_id) const {
    if (message_id.empty()) return send(mt::stop_ack, std::string("Acknowledged"));
    send(mt::stop_ack, std::string("Acknowledged"), msgpack::value(message_id));
  }
  void unauthorized() const {
    send(mt::unauthorized_group, std::string("Unauthorized Group"));
    send(mt::start_failed, std::string("Ack Failed"));
  }
};

/// The Opus bytes of an AUDIO payload (bin, or str from lenient clients), moved out.
std::optional<std::string> audio_of(frame& f) {
  if (!f.payload) return std::nullopt;
  if (auto* b = std::get_if<msgpack::bytes>(&f.payload->v)) return std::move(b->data);
  if (auto* s = std::get_if<std::string>(&f.payload->v)) return std::move(*s);
  return std::nullopt;
}

/// The text of a TEXT payload: its "text" field when it is JSON, else the string itself.
std::optional<std::string> text_of(const frame& f) {
  const auto* s = f.payload ? f.payload->string() : nullptr;
  if (!s) return std::nullopt;
  boost::system::error_code ec;
  auto v = parse_json(*s, ec);
  if (!ec && v.is_object()) {
    if (const auto* t = v.as_object().if_contains("text"); t && t->is_string()) {
      return std::string(t->as_string());
    }
  }
  return *s;
}

void on_start(session_ptr self, const session_deps& deps, const frame& f, const replier& r,
              const std::string& target) {
  auto raw = f.payload ? msgpack::encode(*f.payload) : std::string();
  if (f.type == channel::direct) {
    // The ACK keeps the payload as sent (the SDK's clock stays an integer).
    auto payload =
        f.payload && f.payload->truthy() ? *f.payload : msgpack::value(std::string("Acknowledged"));
    return start_direct(
        self, deps, target, raw, [r, payload] { r.send(mt::start_ack, payload); },
        [r](errc code) {
          r.send(mt::start_failed,
                 std::string(code == errc::not_found ? "Recipient unknown" : "Ack Failed"));
        });
  }
  request_floor(
      self, deps, target, raw,
      [r, text = voiceping::start_ack_text(f.payload)](floor_answer answer) {
        switch (answer) {
          case floor_answer::granted:
            return r.send(mt::start_ack, text);
          case floor_answer::busy:
            return r.send(mt::start_failed, std::string("Busy"));
          case floor_answer::not_member:
            return r.unauthorized();
        }
      },
      [r](errc) { r.send(mt::start_failed, std::string("Ack Failed")); });
}

void on_stop(session_ptr self, const session_deps& deps, const frame& f, const replier& r,
             const std::string& target) {
  // Acknowledged once the recording is committed (the original waited a fixed 100 ms).
  auto done = [r](const std::string& message_id, int64_t) { r.stop_ack(message_id); };
  if (f.type == channel::direct) return stop_direct(self, deps, target, done);
  release_floor(self, deps, target, done, [](errc) {});
}

void on_audio(session_ptr self, const session_deps& deps, frame& f, const std::string& target) {
  auto opus = audio_of(f);
  if (!opus || !audio_admitted(self, deps, opus->size())) return;
  auto bytes = std::make_shared<const std::string>(std::move(*opus));
  if (f.type == channel::direct) return send_direct_audio(self, deps, target, bytes);
  send_group_audio(self, deps, target, bytes);
}

void on_text(session_ptr self, const session_deps& deps, const frame& f, const replier& r,
             const std::string& target) {
  auto text = text_of(f);
  if (!text) return;
  auto done = [r](const std::string& message_id) {
    r.send(mt::text_ack, std::string("Acknowledged"), msgpack::value(message_id));
  };
  if (f.type == channel::direct) {
    return send_direct_text(self, deps, target, std::move(*text), done, [](errc) {});
  }
  send_group_text(self, deps, target, std::move(*text), done, [r](errc code) {
    if (code == errc::forbidden) r.send(mt::unauthorized_group, std::string("Unauthorized Group"));
  });
}

void on_receipt(session_ptr self, const session_deps& deps, const frame& f,
                const std::string& target) {
  if (f.type != channel::direct || !f.payload) return;  // groups: ignored, as before
  auto message_id = voiceping::id_string(*f.payload);
  if (message_id.empty()) return;
  bool read = f.message_type == static_cast<int64_t>(mt::read);
  send_receipt(
      self, deps, target, message_id, read, [] {}, [](errc) {});
}

/// The drop-in mode's USER_ADD / USER_REMOVE: the membership is stored (a new channel created),
/// then the user's sessions join or leave. The session takes no other frame meanwhile, so a
/// START sent after USER_ADD finds the membership committed.
void change_foreign_membership(session_ptr self, const session_deps& deps,
                               persistence::external_id channel, bool add) {
  const auto& naming = deps.voiceping;
  deps.store.ask_awaited(
      self, "vp-dropin:" + naming->dropin.tenant_id, "dropin_membership",
      [scope = naming->dropin, user = deps.who.id, channel, add](soci::session& sql) {
        return persistence::set_dropin_membership(sql, scope, user, channel, add);
      },
      [self, deps](persistence::dropin_change& c) {
        learn_links(*deps.voiceping->ids, c.new_links);
        announce_channel_change(deps.directory, deps.cluster, deps.who.tenant_id, deps.who.id,
                                c.channels);
        for (const auto& id : c.channels.added) {
          update_channel(self, deps, id, true, c.channels.dispatcher);
        }
        for (const auto& id : c.channels.removed) update_channel(self, deps, id, false, false);
      },
      [](const persistence::store_failure&) {});
}

void on_membership(session_ptr self, const session_deps& deps, const frame& f,
                   const std::string& target) {
  // Only where the token named no channels.
  if (f.type != channel::group || !deps.user_add) return;
  bool add = f.message_type == static_cast<int64_t>(mt::user_add);
  // A foreign id (linked, or any id that is not ours) in the drop-in tenant.
  auto given = voiceping::id_string(f.to);
  if (!given.empty() && deps.voiceping && deps.voiceping->foreign_in(deps.who.tenant_id) &&
      (given != target || !crypto::is_uuid(given))) {
    bool is_number = !f.to.string();  // id_string reads only strings and integers
    return change_foreign_membership(self, deps, {given, is_number}, add);
  }
  // Elsewhere only channels the user is a member of: the talk group refuses anyone else.
  if (!crypto::is_uuid(target)) return;
  bool joined = self->state.channels.count(target) > 0;
  if (add != joined) update_channel(self, deps, target, add, false);
}

}  // namespace

void handle_voiceping(session_ptr self, const session_deps& deps, frame& f) {
  replier r{deps.out, wire_id(deps, deps.who.id), f.type, f.to};
  auto target = target_of(deps, f);
  switch (static_cast<mt>(f.message_type)) {
    case mt::start:
      return on_start(self, deps, f, r, target);
    case mt::stop:
      return on_stop(self, deps, f, r, target);
    case mt::audio:
      return on_audio(self, deps, f, target);
    case mt::text:
      return on_text(self, deps, f, r, target);
    case mt::delivered:
    case mt::read:
      return on_receipt(self, deps, f, target);
    case mt::user_add:
    case mt::user_remove:
      return on_membership(self, deps, f, target);
    case mt::connection_test: {
      // [1, 26, 0, <user>, payload]; an absent payload as notepack wrote `undefined`.
      auto payload = f.payload ? *f.payload : msgpack::ext{0, std::string(1, '\0')};
      return send_frame(deps.out, voiceping::encode(channel::direct, mt::connection_ack, int64_t{0},
                                                    wire_id(deps, deps.who.id), payload));
    }
    default:
      return;  // CONNECTION, STATUS, IMAGE, …: nothing to answer, as before
  }
}

void replace_older_connections(session_ptr self, const session_deps& deps) {
  self->request(deps.directory, deps.request_timeout, tagged_atom::value, "vp-user:" + deps.who.id)
      .then(
          [self, device = deps.device_id](const std::vector<caf::actor>& sessions) {
            // Only older ones: two connections racing in both replace the older.
            for (const auto& s : sessions) {
              if (s.id() < self->id()) caf::anon_send(as_session(s), replaced_atom::value, device);
            }
          },
          [](caf::error&) {});
}

void replaced_by(const session_deps& deps, const std::string& new_device) {
  if (deps.device_id != new_device) {
    auto me = wire_id(deps, deps.who.id);
    auto text = fmt::format("userId {} has logged in from another deviceId {}",
                            voiceping::id_string(me), new_device);
    send_frame(deps.out,
               voiceping::encode(channel::direct, mt::login_duplicated, int64_t{0}, me, text));
  }
  deps.out->close(ws::close_code::replaced, "logged in again");
}

}  // namespace sb
