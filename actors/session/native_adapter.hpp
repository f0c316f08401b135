#pragma once

#include "actors/session/session_actor.hpp"

#include "protocols/native/codec.hpp"
#include "protocols/ws/connection.hpp"
#include "protocols/ws/message_budget.hpp"

namespace sb::native {

/// Bridges one WebSocket connection speaking the native JSON protocol to its session actor.
/// Malformed input is answered here, by the codec's rules, without bothering the actor; valid
/// requests become `(inbound_atom, native::request)` messages, and the end of the connection
/// becomes `(closed_atom, uint16_t code)`.
class adapter final : public ws::handler {
 public:
  /// Every text message, and every binary one that is not audio, counts against `budget`;
  /// over it, the client gets too_many_requests with the request's id.
  adapter(session_actor session, ws::outbound_ptr out, uint64_t max_message_bytes,
          ws::message_budget budget = {});

  void on_message(ws::opcode op, std::string payload) override;
  void on_oversized(ws::opcode op, uint64_t size) override;
  void on_closed(uint16_t code) override;

 private:
  void reply_error(std::string_view id, errc code, std::string_view message);
  /// Counts a message; false (after answering too_many_requests) when over the budget.
  bool within_budget(std::string_view id);

  session_actor session_;
  ws::outbound_ptr out_;
  uint64_t max_message_bytes_;
  ws::message_budget budget_;
};

}  // namespace sb::native
