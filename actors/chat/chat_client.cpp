#include "actors/chat/chat_client.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "actors/runtime/caf_errc.hpp"
#include "config/ground/clock.hpp"
#include "persistence/chat/chat.hpp"
#include "persistence/connection.hpp"

namespace sb {

namespace {

/// Asks the actor of conversation `id` (activated on demand) with `atom` and `req`, then
/// `ok(answer...)` (of the types `Answers`); a failure goes to `failed`. Either ends the asking
/// actor.
template <class Atom, class... Answers, class Req, class Ok>
void ask_conversation(caf::event_based_actor* self, const chat_deps& deps,
                      const std::string& tenant_id, const std::string& id, Req req, Ok ok,
                      chat_failed failed) {
  self->request(deps.directory, deps.request_timeout, resolve_atom::value,
                conversation_key(tenant_id, id))
      .then(
          [self, deps, req = std::move(req), ok, failed](const caf::actor& actor) mutable {
            // The store is asked on the way: twice the store's timeout.
            self->request(caf::actor_cast<conversation_actor>(actor), deps.request_timeout * 2,
                          Atom::value, std::move(req))
                .then(
                    [self, ok](const Answers&... answer) {
                      ok(answer...);
                      self->quit();
                    },
                    [self, failed](caf::error& err) {
                      failed(err);
                      self->quit();
                    });
          },
          [self, failed](caf::error& err) {
            failed(err);
            self->quit();
          });
}

/// Runs `query` in the store shard of the pair (`user`, `target`), then `then(result)` on the
/// asking actor; a failure goes to `failed` and ends the actor. One shard per pair: two first
/// messages of one pair cannot make two conversations.
template <class Query, class Then>
void ask_pair_shard(caf::event_based_actor* self, const chat_deps& deps, const std::string& user,
                    const std::string& target, Query query, Then then, chat_failed failed) {
  deps.store.ask(self, persistence::shard_key("chat:" + chat::direct_key(user, target)),
                 "chat_resolve", std::move(query), std::move(then),
                 [self, failed](const persistence::store_failure& f) {
                   failed(f.to_error());
                   self->quit();
                 });
}

/// Finds the conversation `target` names for `user` in the store, then `then(conv)`.
template <class Then>
void resolve(caf::event_based_actor* self, const chat_deps& deps, const std::string& tenant_id,
             const std::string& user, const std::string& target, bool create, Then then,
             chat_failed failed) {
  ask_pair_shard(
      self, deps, user, target,
      [tenant_id, user, target, create](soci::session& sql) {
        return persistence::resolve_conversation(sql, persistence::tenant_scope(tenant_id), user,
                                                 target, create, now_us());
      },
      std::move(then), std::move(failed));
}

/// Finds `target` for `user` in the store, then asks its actor: `ok(answer, conversation)`.
template <class Atom, class Answer, class Req, class Ok>
void resolve_and_ask(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                     const std::string& user, const std::string& target, bool create, Req req,
                     Ok ok, chat_failed failed) {
  sys.spawn([=, req = std::move(req)](caf::event_based_actor* self) mutable {
    resolve(
        self, deps, tenant_id, user, target, create,
        [=, req = std::move(req)](chat::conversation& conv) mutable {
          ask_conversation<Atom, Answer>(
              self, deps, tenant_id, conv.id, std::move(req),
              [ok, conv](const Answer& answer) { ok(answer, conv); }, failed);
        },
        failed);
  });
}

}  // namespace

void send_chat(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
               const std::string& target, chat_send req, chat_message_ok ok, chat_failed failed) {
  sys.spawn([=, req = std::move(req)](caf::event_based_actor* self) mutable {
    auto user = req.sender_id;
    ask_pair_shard(
        self, deps, user, target,
        [tenant_id, user, target](soci::session& sql) {
          return persistence::resolve_conversation_id(sql, persistence::tenant_scope(tenant_id),
                                                      user, target, true, now_us());
        },
        [=, req = std::move(req)](std::string& id) mutable {
          // The conversation's actor checks the sender is a member, and answers with the
          // conversation it holds: no member list is read per message.
          ask_conversation<chat_send_atom, chat::message, chat::conversation>(
              self, deps, tenant_id, id, std::move(req), ok, failed);
        },
        failed);
  });
}

void load_history(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                  const std::string& user, chat::history_query q, chat_page_ok ok,
                  chat_failed failed) {
  auto limit = std::clamp<int64_t>(q.limit.value_or(50), 1, deps.cfg.history_limit);
  using page = std::pair<chat::conversation, persistence::message_page>;
  sys.spawn([=](caf::event_based_actor* self) {
    deps.store.ask(
        self, persistence::shard_key("chat-read:" + user), "chat_history",
        [tenant_id, user, q, limit](soci::session& sql) {
          persistence::tenant_scope scope(tenant_id);
          auto conv = persistence::resolve_conversation(sql, scope, user, q.to, false, now_us());
          persistence::message_page found;
          if (!conv.id.empty()) {
            found = persistence::history(sql, scope, conv.id, q.before, q.after, limit);
          }
          return page{std::move(conv), std::move(found)};
        },
        [self, ok](page& p) {
          ok(p.first, p.second.messages, p.second.has_more);
          self->quit();
        },
        [self, failed](const persistence::store_failure& f) {
          failed(f.to_error());
          self->quit();
        });
  });
}

void move_chat_pointer(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                       const std::string& target, chat_pointer req, chat_member_ok ok,
                       chat_failed failed) {
  auto user = req.user_id;
  resolve_and_ask<chat_pointer_atom, chat::member>(
      sys, deps, tenant_id, user, target, false, std::move(req), std::move(ok), std::move(failed));
}

void tell_typing(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                 const std::string& target, chat_typing t) {
  sys.spawn([=, t = std::move(t)](caf::event_based_actor* self) mutable {
    auto user = t.user_id;
    resolve(
        self, deps, tenant_id, user, target, false,
        [=, t = std::move(t)](chat::conversation& conv) mutable {
          if (conv.id.empty()) return self->quit();  // no conversation yet: nobody to tell
          self->request(deps.directory, deps.request_timeout, resolve_atom::value,
                        conversation_key(tenant_id, conv.id))
              .then(
                  [self, t = std::move(t)](const caf::actor& actor) mutable {
                    caf::anon_send(caf::actor_cast<conversation_actor>(actor),
                                   chat_typing_atom::value, std::move(t));
                    self->quit();
                  },
                  [self](caf::error&) { self->quit(); });
        },
        [](const caf::error&) {});  // typing is best effort
  });
}

void change_chat(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                 chat_change req, chat_message_ok ok, chat_failed failed) {
  sys.spawn([=, req = std::move(req)](caf::event_based_actor* self) mutable {
    // Copied first: the continuation below takes `req` (argument order is unspecified).
    auto user = req.user_id;
    auto id = req.message_id;
    deps.store.ask(
        self, persistence::shard_key("chat:" + id), "chat_find_message",
        [tenant_id, user, id](soci::session& sql) {
          persistence::tenant_scope scope(tenant_id);
          auto m = persistence::find_message(sql, scope, id);
          auto conv =
              m ? persistence::find_conversation(sql, scope, m->conversation_id) : std::nullopt;
          if (!conv || !conv->find(user)) {
            throw persistence::store_error(errc::not_found, "no message " + id);
          }
          return *conv;
        },
        [=, req = std::move(req)](chat::conversation& conv) mutable {
          ask_conversation<chat_change_atom, chat::message>(
              self, deps, tenant_id, conv.id, std::move(req),
              [ok, conv](const chat::message& m) { ok(m, conv); }, failed);
        },
        [self, failed](const persistence::store_failure& f) {
          failed(f.to_error());
          self->quit();
        });
  });
}

}  // namespace sb
