#include "actors/chat/conversation.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/clock.hpp"
#include "persistence/chat/append_job.hpp"
#include "persistence/chat/chat.hpp"
#include "persistence/connection.hpp"
#include "protocols/chat/sio_chat.hpp"
#include "protocols/native/chat_codec.hpp"
#include "protocols/ws/frame.hpp"

namespace sb {

namespace {

using self_ptr = conversation_actor::stateful_pointer<conversation_state>;

persistence::tenant_scope scope_of(self_ptr self) {
  return persistence::tenant_scope(self->state.tenant_id);
}

void schedule_idle_check(self_ptr self) {
  self->delayed_send(self, self->state.deps.cfg.idle, caf::timeout_atom::value,
                     ++self->state.idle_generation);
}

/// Takes `members` as the conversation's; their connections are looked up again.
void set_members(conversation_state& st, std::vector<chat::member> members) {
  st.conv.members = std::move(members);
  st.member_ids.clear();
  for (const auto& m : st.conv.members) st.member_ids.push_back(m.user_id);
  st.roster = nullptr;
}

/// The lane of a connection: always the same one, so that its events keep their order.
size_t lane_of(const chat_sink* sink, size_t lanes) {
  // Heap addresses share their low bits (alignment): those are shifted out first.
  auto p = reinterpret_cast<uintptr_t>(sink) >> 4;
  return (p ^ (p >> 16)) % lanes;
}

/// Brings the members' connections up to date with the sink registry; from
/// chat.fanout_lane_connections of them on, the conversation writes through lanes, for good
/// (going back to writing itself could overtake what a lane still holds).
void refresh_roster(self_ptr self) {
  auto& st = self->state;
  auto generation = st.deps.sinks->generation();  // read first: a change meanwhile shows next time
  if (st.roster && generation == st.roster_generation) return;
  auto all = std::make_shared<std::vector<chat_sink_ptr>>();
  st.deps.sinks->collect(st.member_ids, *all);
  st.roster = all;
  st.roster_generation = generation;
  auto threshold = st.deps.cfg.fanout_lane_connections;
  if (st.lanes.empty() && threshold > 0 && all->size() >= threshold) {
    st.lanes = spawn_fanout_lanes(self, st.deps.cfg.fanout_lanes, chat_lane);
  }
  st.lane_rosters.clear();
  if (st.lanes.empty()) return;
  std::vector<std::vector<chat_sink_ptr>> parts(st.lanes.size());
  for (const auto& sink : *all) parts[lane_of(sink.get(), parts.size())].push_back(sink);
  for (auto& p : parts) {
    st.lane_rosters.push_back(std::make_shared<std::vector<chat_sink_ptr>>(std::move(p)));
  }
}

/// Tells every connection of every member on this node: each protocol's form is encoded once
/// for all of them. `version` places a change of the log (0: typing, which is not in it).
void announce(self_ptr self, const std::string& native_text, std::string socketio_text,
              const caf::actor& origin, int64_t version) {
  auto& st = self->state;
  auto frames = engineio::message::text(socketio_text);
  chat_delivery d{shared_bytes(ws::text_frame(native_text)),
                  shared_bytes(std::make_shared<const std::string>(std::move(socketio_text))),
                  origin,
                  st.conv.id,
                  version,
                  std::move(frames)};
  refresh_roster(self);
  if (st.lanes.empty()) return deliver(*st.roster, d);
  for (size_t i = 0; i < st.lanes.size(); ++i) {
    if (!st.lane_rosters[i]->empty()) {
      caf::anon_send(st.lanes[i], fanout_atom::value, d, st.lane_rosters[i]);
    }
  }
}

void announce_typing(self_ptr self, const std::string& user, bool typing,
                     const caf::actor& origin) {
  const auto& id = self->state.conv.id;
  announce(self, native::encode_chat_typing(id, user, typing),
           chat::sio::typing_event(id, user, typing), origin, 0);
}

/// Typing is never stored: announced at most once per chat.typing_interval_ms per member,
/// and announced as stopped when no refresh comes within chat.typing_expiry_ms.
void typing(self_ptr self, const chat_typing& t) {
  auto& st = self->state;
  auto now = now_us() / 1000;
  auto it = st.typing.find(t.user_id);
  if (!t.typing) {
    if (it == st.typing.end()) return;
    st.typing.erase(it);
    return announce_typing(self, t.user_id, false, t.device);
  }
  auto& entry = st.typing[t.user_id];
  bool announce_now =
      it == st.typing.end() || now - entry.announced_ms >= st.deps.cfg.typing_interval.count();
  if (announce_now) {
    entry.announced_ms = now;
    announce_typing(self, t.user_id, true, t.device);
  }
  self->delayed_send(self, st.deps.cfg.typing_expiry, typing_timer_atom::value, t.user_id,
                     ++entry.generation);
}

caf::error not_member(const std::string& id) {
  return caf::make_error(errc::not_found, "no conversation " + id);
}

bool is_channel(self_ptr self) {
  return self->state.conv.kind == "channel";
}

/// Reads a talk-group channel's members again (its listeners, as they are now), then `then`.
void reload_members(self_ptr self, std::function<void()> then) {
  auto& st = self->state;
  st.deps.store.ask(
      self, conversation_shard(st.conv.id), "chat_members",
      [scope = scope_of(self), id = st.conv.id](soci::session& sql) {
        return persistence::channel_conversation(sql, scope, id, now_us());
      },
      [self, then](std::optional<chat::conversation>& found) {
        if (found) set_members(self->state, std::move(found->members));
        then();
      },
      [self, then](const persistence::store_failure& f) {
        spdlog::warn("conversation {}: members not read again: {}", self->state.conv.id,
                     code_string(f.code));
        then();
      });
}

/// `then(true)` when `user` is a member. A talk-group channel gains listeners without being
/// told at once: for one it does not know, it reads its members again first.
void with_member(self_ptr self, const std::string& user, std::function<void(bool)> then) {
  if (self->state.conv.find(user) || !is_channel(self)) {
    return then(self->state.conv.find(user) != nullptr);
  }
  reload_members(self, [self, user, then] { then(self->state.conv.find(user) != nullptr); });
}

/// A talk-group channel's new message goes to its talk group too, when that is live: the PTT
/// clients listening there get it as a text (an idle group has no listeners to tell).
void tell_talk_group(self_ptr self, const chat::message& m) {
  if (!is_channel(self) || m.content.empty()) return;
  // Untyped: actors/ptt depends on this folder, not the other way round (the talk group's
  // interface lists channel_text).
  caf::anon_send(self->state.deps.directory, forward_atom::value, "group:" + self->state.conv.id,
                 caf::make_message(channel_text_atom::value, m), false);
}

/// The answer to a chat_send: the message and the conversation as it stands after it.
using send_promise = caf::typed_response_promise<chat::message, chat::conversation>;

/// Appends `req` (its sender is a member, its content checked), answers `rp` after the commit
/// and tells the members.
void append(self_ptr self, chat_send req, send_promise rp) {
  auto& st = self->state;
  persistence::new_message in{
      {}, req.sender_id, std::move(req.content), req.client_msg_id, std::move(req.attachment_ids)};
  if (is_channel(self)) {
    in.id = ptt::text_message_id(ptt::channel_type::group, st.conv.id, req.sender_id,
                                 st.text_clock.next(now_us() / 1000));
  }
  st.deps.store.ask(
      self, conversation_shard(st.conv.id),
      persistence::append_job(scope_of(self), st.conv.id, std::move(in)),
      [self, rp, origin = req.device](persistence::appended& done) mutable {
        auto& st = self->state;
        if (!done.duplicate) {
          st.conv.last_seq = std::max(st.conv.last_seq, done.message.seq);
          st.conv.version = std::max(st.conv.version, done.message.version);
          announce(self, native::encode_chat_event("chat.message", done.message, st.conv),
                   chat::sio::message_event("message:receive", done.message, st.conv), origin,
                   done.message.version);
          tell_talk_group(self, done.message);
        }
        rp.deliver(done.message, st.conv);
      },
      [rp](const persistence::store_failure& f) mutable { rp.deliver(f.to_error()); });
}

}  // namespace

std::pair<std::string, std::string> tenant_and_id(const std::string& key) {
  auto colon = key.find(':');
  if (colon == std::string::npos) return {key, ""};
  return {key.substr(0, colon), key.substr(colon + 1)};
}

std::string conversation_key(const std::string& tenant_id, const std::string& conversation_id) {
  return "chat:" + tenant_id + ":" + conversation_id;
}

persistence::shard_key conversation_shard(const std::string& conversation_id) {
  return persistence::shard_key("chat:" + conversation_id);
}

namespace {

conversation_actor::behavior_type running(self_ptr self) {
  static actor_census census{"conversation"};
  auto loaded = [self] { return self->state.loaded; };
  return {
      [=](chat_send_atom, chat_send& req) -> caf::result<chat::message, chat::conversation> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        if (auto no = chat::check_content(req.content, st.deps.cfg.max_message_bytes,
                                          !req.attachment_ids.empty())) {
          return caf::make_error(no->code, no->message);
        }
        if (req.attachment_ids.size() > st.deps.cfg.max_message_attachments) {
          return caf::make_error(errc::bad_request,
                                 "a message carries at most " +
                                     std::to_string(st.deps.cfg.max_message_attachments) +
                                     " attachments (chat.max_message_attachments)");
        }
        auto rp = self->make_response_promise<chat::message, chat::conversation>();
        auto sender = req.sender_id;
        with_member(self, sender, [self, rp, req = std::move(req)](bool member) mutable {
          if (member) return append(self, std::move(req), rp);
          rp.deliver(not_member(self->state.conv.id));
        });
        schedule_idle_check(self);
        return rp;
      },
      [=](chat_change_atom, chat_change& req) -> caf::result<chat::message> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        if (!st.conv.find(req.user_id)) return not_member(st.conv.id);
        if (req.content) {
          if (auto no = chat::check_content(*req.content, st.deps.cfg.max_message_bytes)) {
            return caf::make_error(no->code, no->message);
          }
        }
        auto rp = self->make_response_promise<chat::message>();
        st.deps.store.ask(
            self, conversation_shard(st.conv.id), "chat_change",
            [scope = scope_of(self), id = st.conv.id, req](soci::session& sql) {
              auto m = persistence::find_message(sql, scope, req.message_id);
              if (!m || m->conversation_id != id) {
                throw persistence::store_error(errc::not_found, "no message " + req.message_id);
              }
              auto no = req.content ? chat::may_edit(*m, req.user_id)
                                    : chat::may_delete(*m, req.user_id, req.admin);
              if (no) throw persistence::store_error(no->code, no->message);
              return persistence::change_message(sql, scope, *m, req.content, now_us());
            },
            [self, rp, origin = req.device](chat::message& m) mutable {
              auto& st = self->state;
              st.conv.version = std::max(st.conv.version, m.version);
              announce(self, native::encode_chat_event("chat.updated", m, st.conv),
                       chat::sio::message_event("message:updated", m, st.conv), origin, m.version);
              rp.deliver(m);
            },
            [rp](const persistence::store_failure& f) mutable { rp.deliver(f.to_error()); });
        schedule_idle_check(self);
        return rp;
      },
      [=](chat_pointer_atom, chat_pointer& req) -> caf::result<chat::member> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        auto& st = self->state;
        const auto* member = st.conv.find(req.user_id);
        if (!member) return not_member(st.conv.id);
        auto rp = self->make_response_promise<chat::member>();
        st.deps.store.ask(
            self, conversation_shard(st.conv.id), "chat_pointer",
            [scope = scope_of(self), id = st.conv.id, req](soci::session& sql) {
              return persistence::move_pointer(sql, scope, id, req.user_id, req.read, req.seq);
            },
            [self, rp, req](std::optional<chat::member>& moved) mutable {
              auto& st = self->state;
              for (auto& m : st.conv.members) {
                if (m.user_id != req.user_id) continue;
                if (moved) {
                  m = *moved;
                  st.conv.version = std::max(st.conv.version, moved->version);
                  announce(self, native::encode_chat_receipt(st.conv.id, m),
                           chat::sio::receipt_event(st.conv.id, m), req.device, m.version);
                }
                rp.deliver(m);
              }
            },
            [rp](const persistence::store_failure& f) mutable { rp.deliver(f.to_error()); });
        schedule_idle_check(self);
        return rp;
      },
      [=](chat_typing_atom, chat_typing& t) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        census.on_message(self);
        if (!self->state.conv.find(t.user_id)) return caf::unit;  // not a member: nothing
        typing(self, t);
        return caf::unit;
      },
      [=](chat_members_atom) -> caf::result<void> {
        if (!loaded()) return caf::skip;
        if (is_channel(self)) reload_members(self, [] {});
        return caf::unit;
      },
      [=](typing_timer_atom, const std::string& user, uint64_t generation) {
        auto& st = self->state;
        auto it = st.typing.find(user);
        if (it == st.typing.end() || it->second.generation != generation) return;
        st.typing.erase(it);
        announce_typing(self, user, false, caf::actor{});
      },
      [=](caf::timeout_atom, uint64_t generation) {
        if (!loaded()) return;
        if (generation == self->state.idle_generation) self->quit();
      },
  };
}

}  // namespace

conversation_actor::behavior_type conversation_impl(self_ptr self, chat_deps deps,
                                                    std::string key) {
  static actor_census census{"conversation"};
  census.track(self);
  auto& st = self->state;
  st.deps = std::move(deps);
  std::string id;
  std::tie(st.tenant_id, id) = tenant_and_id(key);
  st.deps.store.ask(
      self, conversation_shard(id), "chat_load",
      [scope = scope_of(self), id](soci::session& sql) {
        return persistence::load_conversation(sql, scope, id, now_us());
      },
      [self](std::optional<chat::conversation>& found) {
        if (!found) return self->quit(caf::make_error(errc::not_found, "no such conversation"));
        auto members = std::move(found->members);
        self->state.conv = std::move(*found);
        set_members(self->state, std::move(members));
        self->state.loaded = true;
        self->become(running(self));
        schedule_idle_check(self);
      },
      [self](const persistence::store_failure& f) { self->quit(f.to_error()); });
  return running(self);
}

}  // namespace sb
