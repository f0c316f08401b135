#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/runtime/rate_limiter.hpp"
#include "protocols/native/codec.hpp"
#include "protocols/ws/connection.hpp"

// Decoded requests go only to the session actor of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::native::request)

namespace sb::native {

/// Bridges one WebSocket connection speaking the native JSON protocol to its session actor.
/// Malformed input is answered here, by the codec's rules, without bothering the actor; valid
/// requests become `(inbound_atom, native::request)` messages, and the end of the connection
/// becomes `(closed_atom, uint16_t code)`.
class adapter final : public ws::handler {
 public:
  /// Limits the connection to `messages_per_min` messages (0 = unlimited), counted in
  /// `limiter` under `limit_key`.
  adapter(caf::actor session, ws::outbound_ptr out, uint64_t max_message_bytes,
          rate_limiter* limiter = nullptr, uint32_t messages_per_min = 0);

  void on_message(ws::opcode op, std::string payload) override;
  void on_oversized(ws::opcode op, uint64_t size) override;
  void on_closed(uint16_t code) override;

 private:
  void reply_error(std::string_view id, errc code, std::string_view message);

  caf::actor session_;
  ws::outbound_ptr out_;
  uint64_t max_message_bytes_;
  rate_limiter* limiter_;
  uint32_t messages_per_min_;
};

}  // namespace sb::native
