#pragma once

#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/native/codec.hpp"

namespace sb::calls::sio {

// Calls over Socket.IO, in the two vocabularies the seeds' clients speak (docs/protocol.md,
// "Socket.IO"): the UCaaS softphone's `call:*` / `webrtc:*` (seed 004) and the WebRTC
// signaling client's `join-call` / `webrtc-*` / `toggle-*` / `leave-call` (seed 003). Each
// event maps onto the native call request it means, so both are checked and served alike.

enum class dialect { softphone, signaling };

/// A call event, as the native request it means. `join` marks seed 003's join-call (answer,
/// or bind this device when the user is already in the call).
struct call_event {
  std::variant<native::call_invite, native::call_request> request;
  dialect spoken = dialect::softphone;
  bool join = false;
};

struct not_a_call {};
struct refusal {
  std::string message;
};

/// Decodes `args` (event name, payload): a call event, a malformed one (refusal), or another
/// kind of event (not_a_call).
std::variant<call_event, refusal, not_a_call> decode(const boost::json::array& args);

/// The Socket.IO EVENT packets (texts) a native call event (its JSON) means for a client of
/// `spoken`; none for an event that client has no name for.
std::vector<std::string> translate(std::string_view native_event, dialect spoken);

}  // namespace sb::calls::sio
