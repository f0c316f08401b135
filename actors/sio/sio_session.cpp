#include "actors/sio/sio_session.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <map>

#include "actors/calls/call_client.hpp"
#include "actors/chat/chat_client.hpp"
#include "actors/presence/presence.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/error_metrics.hpp"
#include "persistence/chat/chat.hpp"
#include "persistence/store.hpp"
#include "protocols/calls/call_json.hpp"
#include "protocols/chat/chat_json.hpp"
#include "protocols/chat/sio_chat.hpp"

namespace sb {

namespace {

using self_ptr = sio_session_actor::stateful_pointer<sio_session_state>;
namespace json = boost::json;
namespace sio = chat::sio;

/// Answers the event's ack, when the client asked for one.
void answer(const sio_session_deps& deps, const std::optional<uint64_t>& ack, json::array args) {
  if (ack) deps.conn->ack(deps.nsp, *ack, args);
}

/// Answers a failure: the ack's {"ok":false,"error":{code,message}}, or else a "chat:error"
/// event naming the event that failed.
void answer_error(const sio_session_deps& deps, const std::optional<uint64_t>& ack,
                  const std::string& event, errc code, const std::string& message) {
  count_error(code);
  if (ack) return answer(deps, ack, sio::ack_error(code, message));
  deps.conn->emit(deps.nsp, json::array{"chat:error", json::object{{"event", event},
                                                                   {"code", code_string(code)},
                                                                   {"message", message}}});
}

chat_failed fail_with(const sio_session_deps& deps, std::optional<uint64_t> ack,
                      std::string event) {
  return [deps, ack, event](const caf::error& err) {
    answer_error(deps, ack, event, persistence::store_errc(err),
                 persistence::client_message(err, "failed"));
  };
}

chat_message_ok ack_message(const sio_session_deps& deps, std::optional<uint64_t> ack) {
  return [deps, ack](const chat::message& m, const chat::conversation& c) {
    answer(deps, ack, sio::ack_ok({{"message", chat::message_json(m, c)}}));
  };
}

void load(self_ptr self, sio::load_request& r, std::optional<uint64_t> ack) {
  const auto& deps = self->state.deps;
  load_history(
      self->system(), *deps.chat, deps.who.tenant_id, deps.who.id, std::move(r),
      [deps, ack](const chat::conversation& c, const std::vector<chat::message>& messages,
                  bool has_more) {
        auto loaded = sio::loaded(c, deps.who.id, messages, has_more);
        deps.conn->emit(deps.nsp, json::array{"conversation:loaded", loaded});
        answer(deps, ack, sio::ack_ok(std::move(loaded)));
      },
      fail_with(deps, ack, "conversation:load"));
}

/// A Socket.IO connection's chat sink: events go out as the Engine.IO messages framed once.
class sio_sink final : public chat_sink {
 public:
  sio_sink(caf::actor_addr session, std::shared_ptr<socketio::connection> conn)
      : chat_sink(std::move(session)), conn_(std::move(conn)) {}

 protected:
  void write(const std::vector<const chat_delivery*>& batch) override {
    std::vector<engineio::message_ptr> messages;
    messages.reserve(batch.size());
    for (const auto* d : batch) {
      if (d->socketio) messages.push_back(d->socketio_message());
    }
    if (!messages.empty()) conn_->send(messages);
  }
  void close_overflowed() override { conn_->close(); }

 private:
  std::shared_ptr<socketio::connection> conn_;
};

void resume(self_ptr self, sio::sync_request& r, std::optional<uint64_t> ack) {
  const auto& deps = self->state.deps;
  if (r.since.size() > deps.chat->cfg.resume_conversations) {
    return answer_error(deps, ack, "chat:sync", errc::bad_request,
                        "chat:sync names more conversations than chat.resume_conversations");
  }
  self->state.chat_sink->hold();
  deps.chat->store.ask(
      self, persistence::shard_key(self->state.id), "chat_resume",
      [tenant = deps.who.tenant_id, user = deps.who.id, since = std::move(r.since),
       limit = deps.chat->cfg.resume_limit](soci::session& sql) {
        return persistence::resume(sql, persistence::tenant_scope(tenant), user, since, limit);
      },
      [self, ack](std::vector<chat::resume_entry>& found) {
        self->state.chat_sink->drop_written(found);
        json::array items;
        for (const auto& e : found) items.push_back(chat::resume_json(e));
        answer(self->state.deps, ack, sio::ack_ok({{"conversations", std::move(items)}}));
        self->state.chat_sink->release(found);
      },
      [self, ack](const persistence::store_failure& f) {
        fail_with(self->state.deps, ack, "chat:sync")(f.to_error());
        self->state.chat_sink->release({});
      });
}

/// A call event: placed or asked through the call actors with this session as the device.
void handle_call(self_ptr self, calls::sio::call_event& c, const std::string& name,
                 std::optional<uint64_t> ack) {
  const auto& deps = self->state.deps;
  self->state.call_dialect = c.spoken;
  auto me = caf::actor_cast<caf::actor>(self);
  call_ok ok = [deps, ack](const calls::call_row& row) {
    answer(deps, ack, sio::ack_ok({{"call", calls::call_json(row)}}));
  };
  auto failed = fail_with(deps, ack, name);
  if (auto* invite = std::get_if<native::call_invite>(&c.request)) {
    return place_call(self->system(), *deps.calls, setup_of(deps.who, *invite, me), ok, failed);
  }
  const auto& r = std::get<native::call_request>(c.request);
  auto cmd = command_of(deps.who, r, me);
  if (!c.join) return ask_call(self->system(), *deps.calls, r.call_id, std::move(cmd), ok, failed);
  // join-call: answer a call that rings; a party already in it (its caller) binds this device.
  auto status = cmd;
  status.action = calls::call_action::status;
  ask_call(self->system(), *deps.calls, r.call_id, std::move(cmd), ok,
           [sys = &self->system(), deps, id = r.call_id, status, ok, failed](const caf::error& e) {
             auto code = persistence::store_errc(e);
             if (code != errc::forbidden && code != errc::conflict) return failed(e);
             ask_call(*sys, *deps.calls, id, status, ok, failed);
           });
}

void handle(self_ptr self, socketio::incoming& ev) {
  const auto& deps = self->state.deps;
  auto name = ev.args.empty() || !ev.args[0].is_string() ? std::string()
                                                         : std::string(ev.args[0].as_string());
  auto call = calls::sio::decode(ev.args);
  if (auto* c = std::get_if<calls::sio::call_event>(&call)) {
    return handle_call(self, *c, name, ev.id);
  }
  if (auto* no = std::get_if<calls::sio::refusal>(&call)) {
    return answer_error(deps, ev.id, name, errc::bad_request, no->message);
  }
  auto decoded = sio::decode(ev.args);
  if (auto* no = std::get_if<sio::failure>(&decoded)) {
    return answer_error(deps, ev.id, name, no->code, no->message);
  }
  auto me = caf::actor_cast<caf::actor>(self);
  auto& sys = self->system();
  const auto& tenant = deps.who.tenant_id;
  std::visit(
      [&](auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, sio::register_request>) {
          if (r.user_id && *r.user_id != deps.who.id) {
            return answer_error(deps, ev.id, name, errc::forbidden,
                                "this connection is authenticated as another user");
          }
          answer(deps, ev.id, sio::ack_ok({{"userId", deps.who.id}}));
        } else if constexpr (std::is_same_v<T, sio::send_request>) {
          send_chat(sys, *deps.chat, tenant, r.to,
                    chat_send{deps.who.id, std::move(r.content), std::move(r.client_msg_id), me,
                              std::move(r.attachment_ids)},
                    ack_message(deps, ev.id), fail_with(deps, ev.id, name));
        } else if constexpr (std::is_same_v<T, sio::read_request>) {
          chat_pointer ptr{deps.who.id, true, r.up_to_seq.value_or(INT64_MAX), me};
          move_chat_pointer(
              sys, *deps.chat, tenant, r.to, ptr,
              [deps, ack = ev.id](const chat::member& m, const chat::conversation& c) {
                answer(deps, ack, sio::ack_ok({{"receipt", chat::receipt_json(c.id, m)}}));
              },
              fail_with(deps, ev.id, name));
        } else if constexpr (std::is_same_v<T, sio::load_request>) {
          load(self, r, ev.id);
        } else if constexpr (std::is_same_v<T, sio::change_request>) {
          change_chat(sys, *deps.chat, tenant,
                      chat_change{deps.who.id, deps.who.role == "admin", r.message_id,
                                  std::move(r.content), me},
                      ack_message(deps, ev.id), fail_with(deps, ev.id, name));
        } else if constexpr (std::is_same_v<T, sio::sync_request>) {
          resume(self, r, ev.id);
        } else if constexpr (std::is_same_v<T, sio::typing_request>) {
          tell_typing(sys, *deps.chat, tenant, r.to, chat_typing{deps.who.id, r.typing, me});
          answer(deps, ev.id, sio::ack_ok());
        } else {
          join_presence(*deps.chat, tenant, deps.who.id, me, r.away);
          answer(deps, ev.id, sio::ack_ok());
        }
      },
      std::get<sio::request>(decoded));
}

}  // namespace

sio_session_actor::behavior_type sio_session_impl(self_ptr self, sio_session_deps given) {
  static actor_census census{"sio_session"};
  census.track(self);
  self->state.deps = std::move(given);
  const auto& deps = self->state.deps;
  self->state.id = "session:sio-" + std::string(deps.conn->id());
  self->request(deps.chat->directory, caf::infinite, register_atom::value, self->state.id,
                caf::actor_cast<caf::actor>(self), deps.tags)
      .then([](bool) {}, [](caf::error&) {});
  spdlog::debug("{} opened by {}", self->state.id, deps.who.tag());
  // The conversations of the user write their events to this connection directly.
  self->state.chat_sink = std::make_shared<sio_sink>(self->address(), deps.conn);
  register_chat_sink(self, deps.chat->sinks, deps.who.id, self->state.chat_sink);
  // The web client shows its contact list with presence: it follows the tenant's users too.
  auto me = caf::actor_cast<caf::actor>(self);
  join_presence(*deps.chat, deps.who.tenant_id, deps.who.id, me, false);
  watch_presence(self->system(), *deps.chat, deps.who.tenant_id, deps.who.id, self->state.chat_sink,
                 true);
  return {
      [=](sio_event_atom, socketio::incoming& ev) {
        census.on_message(self);
        handle(self, ev);
      },
      [=](closed_atom, uint16_t) { self->quit(); },
      [=](kick_atom, uint16_t, const std::string&) {
        self->state.deps.conn->disconnect(self->state.deps.nsp);
        self->state.deps.conn->close();
      },
      [=](membership_atom, const std::string&, bool, bool) {},
      [=](direct_atom, const ptt::talk_event&) {},
      [=](call_atom, const shared_bytes& frame) {
        for (auto& packet :
             calls::sio::translate(ws::frame_payload(*frame), self->state.call_dialect)) {
          self->state.deps.conn->send({engineio::message::text(packet)});
        }
      },
  };
}

}  // namespace sb
