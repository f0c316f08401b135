#pragma once

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/optional_field.hpp"
#include "config/domain/calls/call_model.hpp"

// What call actors are told and answer, with the inspect overloads that let these messages
// cross nodes (registered by name in actors/node_messages.cpp).

namespace sb {

/// A new call, as the caller asked for it.
struct call_setup {
  std::string tenant_id;
  std::string caller_id;
  std::vector<calls::callee_ref> callees;
  std::string media = "audio";
  std::optional<std::string> room_id;
  std::optional<std::string> sdp;  ///< the caller's offer, sent with call.incoming
  caf::actor device;               ///< the caller's session; invalid when placed over REST
};

/// Something a user asks of an existing call.
struct call_command {
  calls::call_action action = calls::call_action::status;
  std::string tenant_id;
  std::string user_id;
  caf::actor device;  ///< the acting session; invalid over REST
  std::string to;     ///< signaling: one peer's user id; "" = every other participant
  std::string payload;
  std::optional<bool> audio;  ///< media: the new state, when given
  std::optional<bool> video;
  bool flip_audio = false;  ///< media: toggle (REST toggle-audio without a body)
  bool flip_video = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_setup& x) {
  return f(caf::meta::type_name("call_setup"), x.tenant_id, x.caller_id, x.callees, x.media,
           optional_field{x.room_id}, optional_field{x.sdp}, x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_command& x) {
  return f(caf::meta::type_name("call_command"), x.action, x.tenant_id, x.user_id, x.device, x.to,
           x.payload, optional_field{x.audio}, optional_field{x.video}, x.flip_audio, x.flip_video);
}

}  // namespace sb

namespace sb::calls {

// The call model is plain C++ (config/domain); how it travels between nodes is said here.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_party& x) {
  return f(caf::meta::type_name("call_party"), x.user_id, x.name, optional_field{x.extension});
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, callee_ref& x) {
  return f(caf::meta::type_name("callee_ref"), x.user_id, x.extension, x.matrix_user);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_participant_row& x) {
  return f(caf::meta::type_name("call_participant_row"), x.who, x.role, x.status, x.audio, x.video,
           x.invited_at_us, optional_field{x.joined_at_us}, optional_field{x.left_at_us});
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_row& x) {
  return f(caf::meta::type_name("call_row"), x.id, x.tenant_id, x.initiator_id, x.media,
           optional_field{x.room_id}, x.state, optional_field{x.end_reason}, x.created_at_us,
           optional_field{x.answered_at_us}, optional_field{x.ended_at_us}, x.participants);
}

}  // namespace sb::calls
