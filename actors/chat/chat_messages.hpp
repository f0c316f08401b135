#pragma once

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/optional_field.hpp"
#include "actors/runtime/shared_bytes.hpp"
#include "config/domain/chat/chat_model.hpp"
#include "protocols/engineio/socket.hpp"

// What conversation actors are told and answer, and what they send to sessions, with the
// inspect overloads that let these messages cross nodes (registered in node_messages.cpp).

namespace sb {

/// A message to append to a conversation.
struct chat_send {
  std::string sender_id;
  std::string content;
  std::optional<std::string> client_msg_id;  ///< a resend with the same id is answered, not added
  caf::actor device;                         ///< the sending session; invalid over REST
  std::vector<std::string> attachment_ids;   ///< files the sender uploaded to the conversation
};

/// An edit (content set) or a delete (content empty) of a message.
struct chat_change {
  std::string user_id;
  bool admin = false;  ///< a tenant admin may delete others' messages
  std::string message_id;
  std::optional<std::string> content;
  caf::actor device;
};

/// A member's read (or delivered) pointer, moved up to `seq`.
struct chat_pointer {
  std::string user_id;
  bool read = true;
  int64_t seq = 0;
  caf::actor device;
};

/// A chat event for every session of a member, encoded once per wire protocol. The session
/// that caused it (`origin`) gets the request's answer instead.
struct chat_delivery {
  shared_bytes native;    ///< a complete WebSocket frame of the native protocol
  shared_bytes socketio;  ///< a Socket.IO EVENT packet (the Engine.IO message's text)
  caf::actor origin;
  std::string conversation_id;  ///< "" for what is not in a log (presence, typing)
  int64_t version = 0;          ///< the change's version in its conversation; 0 = none
  /// `socketio` framed for both Engine.IO transports, made once by the announcer for every
  /// Socket.IO session of this node; it does not travel (a remote node frames it again).
  engineio::message_ptr socketio_frames = nullptr;

  /// The Engine.IO message of `socketio`, framed once on this node.
  engineio::message_ptr socketio_message() const {
    return socketio_frames ? socketio_frames : engineio::message::text(*socketio);
  }
};

/// A member started or stopped typing (never stored).
struct chat_typing {
  std::string user_id;
  bool typing = true;
  caf::actor device;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_send& x) {
  return f(caf::meta::type_name("chat_send"), x.sender_id, x.content,
           optional_field{x.client_msg_id}, x.device, x.attachment_ids);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_change& x) {
  return f(caf::meta::type_name("chat_change"), x.user_id, x.admin, x.message_id,
           optional_field{x.content}, x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_pointer& x) {
  return f(caf::meta::type_name("chat_pointer"), x.user_id, x.read, x.seq, x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_delivery& x) {
  return f(caf::meta::type_name("chat_delivery"), x.native, x.socketio, x.origin, x.conversation_id,
           x.version);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_typing& x) {
  return f(caf::meta::type_name("chat_typing"), x.user_id, x.typing, x.device);
}

}  // namespace sb

namespace sb::chat {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attachment& x) {
  return f(caf::meta::type_name("chat_attachment"), x.id, x.name, x.content_type, x.size);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message& x) {
  return f(caf::meta::type_name("chat_message"), x.id, x.conversation_id, x.sender_id,
           optional_field{x.client_msg_id}, x.content, x.seq, x.version, x.created_at_us,
           optional_field{x.edited_at_us}, optional_field{x.deleted_at_us}, x.attachments);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member& x) {
  return f(caf::meta::type_name("chat_member"), x.user_id, x.read_seq, x.delivered_seq, x.version);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conversation& x) {
  return f(caf::meta::type_name("chat_conversation"), x.id, x.tenant_id, x.kind,
           optional_field{x.name}, x.last_seq, x.version, x.members);
}

}  // namespace sb::chat
