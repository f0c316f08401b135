#include "actors/session/native_chat.hpp"

#include <caf/all.hpp>

#include "actors/chat/chat_client.hpp"
#include "actors/session/native_replies.hpp"

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
                caf::actor_cast<caf::actor>(self)};
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

void deliver_chat(session_ptr self, const session_deps& deps, const chat_delivery& d) {
  if (!deps.chat || d.origin == caf::actor_cast<caf::actor>(self)) return;
  deps.out->send(d.native.ptr());
}

}  // namespace sb
