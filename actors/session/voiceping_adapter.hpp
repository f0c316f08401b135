#pragma once

#include "actors/session/session_actor.hpp"

#include "protocols/voiceping/frame.hpp"
#include "protocols/ws/connection.hpp"
#include "protocols/ws/message_budget.hpp"

namespace sb::voiceping {

/// Bridges one WebSocket connection speaking the VoicePing protocol to its session actor.
/// Like the original router it never answers bad input: text frames, malformed msgpack,
/// oversized frames and frames over the rate limit are dropped and counted
/// (sb_voiceping_frames_dropped_total{reason}). Valid frames become
/// `(voiceping_atom, voiceping::frame)`; the end of the connection `(closed_atom, code)`.
class adapter final : public ws::handler {
 public:
  /// Every frame but audio counts against `budget`, malformed ones included.
  adapter(session_actor session, ws::outbound_ptr out, ws::message_budget budget = {});

  void on_message(ws::opcode op, std::string payload) override;
  void on_oversized(ws::opcode op, uint64_t size) override;
  void on_closed(uint16_t code) override;

 private:
  session_actor session_;
  ws::outbound_ptr out_;
  ws::message_budget budget_;
};

}  // namespace sb::voiceping
