#pragma once

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include <functional>
#include <string>
#include <vector>

#include "actors/chat/conversation.hpp"

namespace sb {

// Reaching conversations from anywhere (an HTTP handler, a session): each function runs a
// short-lived actor that finds the conversation in the store, activates its actor through the
// directory and asks it; callbacks run on that actor and must not block.

using chat_message_ok = std::function<void(const chat::message&, const chat::conversation&)>;
using chat_member_ok = std::function<void(const chat::member&, const chat::conversation&)>;
using chat_failed = std::function<void(const caf::error&)>;
using chat_page_ok = std::function<void(const chat::conversation&,
                                        const std::vector<chat::message>&, bool has_more)>;

/// Sends to `target` (a user of the tenant: the direct conversation, made on first use; or a
/// conversation the sender is in).
void send_chat(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
               const std::string& target, chat_send req, chat_message_ok ok, chat_failed failed);

/// A page of `user`'s conversation `q.to` (limit: 50 by default, at most chat.history_limit),
/// read from the store; a contact with no conversation yet has an empty one.
void load_history(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                  const std::string& user, chat::history_query q, chat_page_ok ok,
                  chat_failed failed);

/// Moves the user's read or delivered pointer in `target`.
void move_chat_pointer(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                       const std::string& target, chat_pointer req, chat_member_ok ok,
                       chat_failed failed);

/// Tells `target`'s members that the user is typing or stopped (nothing when the user has no
/// conversation there yet).
void tell_typing(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                 const std::string& target, chat_typing t);

/// Edits or deletes the message `req.message_id`.
void change_chat(caf::actor_system& sys, const chat_deps& deps, const std::string& tenant_id,
                 chat_change req, chat_message_ok ok, chat_failed failed);

}  // namespace sb
