#include "actors/session/native_chat.hpp"

#include <fmt/format.h>
#include <caf/all.hpp>

#include <map>

#include "actors/chat/chat_client.hpp"
#include "actors/presence/presence.hpp"
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

/// A native connection's chat sink: events go out as the native protocol's frames.
class native_sink final : public chat_sink {
 public:
  native_sink(caf::actor_addr session, ws::outbound_ptr out)
      : chat_sink(std::move(session)), out_(std::move(out)) {}

 protected:
  void write(const std::vector<const chat_delivery*>& batch) override {
    if (batch.size() == 1) {
      out_->send(batch[0]->native.ptr());
      return;
    }
    for (const auto* d : batch) out_->queue(d->native.ptr(), ws::delivery::reliable);
    out_->flush();
  }
  void close_overflowed() override {
    out_->close(ws::close_code::slow_consumer, "resume overflowed");
  }

 private:
  ws::outbound_ptr out_;
};

}  // namespace

void open_chat_sink(session_ptr self, const session_deps& deps) {
  self->state.chat_sink = std::make_shared<native_sink>(self->address(), deps.out);
  register_chat_sink(self, deps.chat->sinks, deps.who.id, self->state.chat_sink);
}

void handle_chat_sync(session_ptr self, const session_deps& deps, native::chat_sync_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  if (r.since.size() > deps.chat->cfg.resume_conversations) {
    return native_failure(deps, r.id, "")(caf::make_error(
        errc::bad_request, fmt::format("chat.sync names {} conversations; at most {} "
                                       "(chat.resume_conversations)",
                                       r.since.size(), deps.chat->cfg.resume_conversations)));
  }
  self->state.chat_sink->hold();
  deps.chat->store.ask(
      self, self->state.shard, "chat_resume",
      [tenant = deps.who.tenant_id, user = deps.who.id, since = std::move(r.since),
       limit = deps.chat->cfg.resume_limit](soci::session& sql) {
        return persistence::resume(sql, persistence::tenant_scope(tenant), user, since, limit);
      },
      [self, &deps, id = r.id](std::vector<chat::resume_entry>& found) {
        self->state.chat_sink->drop_written(found);
        deps.out->send(ws::text_frame(native::encode_chat_synced(id, found)));
        self->state.chat_sink->release(found);
      },
      [self, &deps, fail = native_failure(deps, r.id, "the resume failed")](
          const persistence::store_failure& f) {
        fail(f.to_error());
        self->state.chat_sink->release({});
      });
}

void handle_presence_subscribe(session_ptr self, const session_deps& deps,
                               native::presence_subscribe_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  subscribe_presence(
      self->system(), *deps.chat, deps.who.tenant_id, std::move(r.user_ids), self->state.chat_sink,
      [out = deps.out, id = r.id](const std::vector<std::string>& users) {
        out->send(ws::text_frame(native::encode_presence_subscribed(id, users)));
      },
      native_failure(deps, r.id, "the subscription failed"));
}

}  // namespace sb
