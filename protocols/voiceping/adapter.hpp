#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/runtime/rate_limiter.hpp"
#include "protocols/voiceping/frame.hpp"
#include "protocols/ws/connection.hpp"

// Decoded frames go only to the session actor of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::voiceping::frame)

namespace sb::voiceping {

/// Bridges one WebSocket connection speaking the VoicePing protocol to its session actor.
/// Like the original router it never answers bad input: text frames, malformed msgpack,
/// oversized frames and frames over the rate limit are dropped and counted
/// (sb_voiceping_frames_dropped_total{reason}). Valid frames become
/// `(voiceping_atom, voiceping::frame)`; the end of the connection `(closed_atom, code)`.
class adapter final : public ws::handler {
 public:
  /// Limits non-audio frames to `messages_per_min` (0 = unlimited), counted in `limiter`.
  adapter(caf::actor session, ws::outbound_ptr out, rate_limiter* limiter = nullptr,
          uint32_t messages_per_min = 0);

  void on_message(ws::opcode op, std::string payload) override;
  void on_oversized(ws::opcode op, uint64_t size) override;
  void on_closed(uint16_t code) override;

 private:
  caf::actor session_;
  ws::outbound_ptr out_;
  rate_limiter* limiter_;
  uint32_t messages_per_min_;
};

}  // namespace sb::voiceping
