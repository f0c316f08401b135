#include "actors/session/native_chat.hpp"

#include <fmt/format.h>
#include <caf/all.hpp>

#include <map>

#include "actors/chat/chat_client.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/session/native_replies.hpp"
#include "persistence/chat/chat.hpp"

namespace sb {

namespace {

/// Chat is between users: only their native sessions get `chat`.
bool refuse_non_user(const session_deps& deps, const std::string& id) {
  return refuse_unless(deps, deps.chat != nullptr, id, "only users' sessions take part in chat");
}

chat_message_ok reply_message(const session_deps& deps, std::string type, std::string id) {
  return [out = deps.out, type = std::move(type), id = std::move(id)](const chat::message& m,
                                                                      const chat::conversation& c) {
    out->send(ws::text_frame(native::encode_chat_message_reply(type, id, m, c)));
  };
}

}  // namespace

void handle_chat_send(session_ptr self, const session_deps& deps, native::chat_send_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  chat_send req{deps.who.id, std::move(r.content), std::move(r.client_msg_id),
                caf::actor_cast<caf::actor>(self), std::move(r.attachment_ids)};
  send_chat(self->system(), *deps.chat, deps.who.tenant_id, r.to, std::move(req),
            reply_message(deps, "chat.sent", r.id),
            native_failure(deps, r.id, "the message was not sent"));
}

void handle_chat_pointer(session_ptr self, const session_deps& deps,
                         native::chat_pointer_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  chat_pointer req{deps.who.id, r.read, r.seq, caf::actor_cast<caf::actor>(self)};
  move_chat_pointer(
      self->system(), *deps.chat, deps.who.tenant_id, r.to, req,
      [out = deps.out, id = r.id](const chat::member& m, const chat::conversation& c) {
        out->send(ws::text_frame(native::encode_chat_pointer(id, c.id, m)));
      },
      native_failure(deps, r.id, "the pointer was not moved"));
}

void handle_chat_history(session_ptr self, const session_deps& deps,
                         native::chat_history_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  load_history(
      self->system(), *deps.chat, deps.who.tenant_id, deps.who.id, std::move(r.query),
      [out = deps.out, id = r.id](const chat::conversation& c,
                                  const std::vector<chat::message>& messages, bool has_more) {
        out->send(ws::text_frame(native::encode_chat_history(id, messages, c, has_more)));
      },
      native_failure(deps, r.id, "history could not be read"));
}

void handle_chat_change(session_ptr self, const session_deps& deps,
                        native::chat_change_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  chat_change req{deps.who.id, deps.who.role == "admin", r.message_id, std::move(r.content),
                  caf::actor_cast<caf::actor>(self)};
  change_chat(self->system(), *deps.chat, deps.who.tenant_id, std::move(req),
              reply_message(deps, "chat.changed", r.id),
              native_failure(deps, r.id, "the message was not changed"));
}

namespace {

void write_chat(session_ptr self, const session_deps& deps, const chat_delivery& d) {
  if (d.origin == caf::actor_cast<caf::actor>(self)) return;
  self->state.chat_gate.written(d);
  deps.out->send(d.native.ptr());
}

/// Ends a resume: what was held goes out (less what the resume gave); a session that held
/// more than it may is closed, so that its client resumes again rather than miss anything.
void open_gate(session_ptr self, const session_deps& deps,
               const std::map<std::string, int64_t>& marks) {
  auto& gate = self->state.chat_gate;
  for (const auto& d : gate.open(marks)) write_chat(self, deps, d);
  if (gate.overflowed()) deps.out->close(ws::close_code::slow_consumer, "resume overflowed");
}

}  // namespace

void handle_chat_sync(session_ptr self, const session_deps& deps, native::chat_sync_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  if (r.since.size() > deps.chat->cfg.resume_conversations) {
    return native_failure(deps, r.id, "")(caf::make_error(
        errc::bad_request, fmt::format("chat.sync names {} conversations; at most {} "
                                       "(chat.resume_conversations)",
                                       r.since.size(), deps.chat->cfg.resume_conversations)));
  }
  self->state.chat_gate.close();
  deps.chat->store.ask(
      self, self->state.shard, "chat_resume",
      [tenant = deps.who.tenant_id, user = deps.who.id, since = std::move(r.since),
       limit = deps.chat->cfg.resume_limit](soci::session& sql) {
        return persistence::resume(sql, persistence::tenant_scope(tenant), user, since, limit);
      },
      [self, &deps, id = r.id](std::vector<chat::resume_entry>& found) {
        self->state.chat_gate.drop_written(found);
        deps.out->send(ws::text_frame(native::encode_chat_synced(id, found)));
        std::map<std::string, int64_t> marks;
        for (const auto& e : found) marks[e.conv.id] = e.conv.version;
        open_gate(self, deps, marks);
      },
      [self, &deps, fail = native_failure(deps, r.id, "the resume failed")](
          const persistence::store_failure& f) {
        fail(f.to_error());
        open_gate(self, deps, {});
      });
}

void deliver_chat(session_ptr self, const session_deps& deps, const chat_delivery& d) {
  auto& gate = self->state.chat_gate;
  if (!deps.chat || gate.hold(d) || gate.stale(d)) return;
  write_chat(self, deps, d);
}

}  // namespace sb
