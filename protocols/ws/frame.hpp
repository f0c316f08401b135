#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/ground/utf8.hpp"

namespace sb::ws {

/// RFC 6455 opcodes.
enum class opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Close codes Switchboard sends; documented in docs/protocol.md.
namespace close_code {
constexpr uint16_t normal = 1000;
constexpr uint16_t going_away = 1001;        ///< server shutting down
constexpr uint16_t protocol_error = 1002;    ///< malformed framing
constexpr uint16_t no_status = 1005;         ///< (received only) close without a code
constexpr uint16_t invalid_payload = 1007;   ///< text that is not UTF-8
constexpr uint16_t policy_violation = 1008;  ///< a flood of pings or pongs
constexpr uint16_t internal_error = 1011;
constexpr uint16_t idle_timeout = 4000;   ///< nothing received for ws.idle_timeout_ms
constexpr uint16_t slow_consumer = 4001;  ///< outbound queue over ws.outbound_queue_bytes
constexpr uint16_t revoked = 4401;        ///< credentials revoked, user disabled, app inactive
constexpr uint16_t replaced = 4409;       ///< VoicePing: the user connected again (one per user)
}  // namespace close_code

/// A complete, encoded frame (header and payload), immutable and shared: a fan-out encodes a
/// frame once and queues the same bytes for every recipient.
using frame_ptr = std::shared_ptr<const std::string>;

/// Encodes one unmasked server-to-client frame.
std::string encode_frame(opcode op, std::string_view payload, bool fin = true);

/// encode_frame into a shared buffer.
frame_ptr make_frame(opcode op, std::string_view payload);

/// A text frame carrying `payload`.
inline frame_ptr text_frame(std::string_view payload) {
  return make_frame(opcode::text, payload);
}

/// The payload of a complete unmasked frame made by encode_frame ("" if it is not one).
std::string_view frame_payload(std::string_view frame);

/// A close frame with a status code and a reason (truncated to fit 125 bytes).
frame_ptr close_frame(uint16_t code, std::string_view reason);

/// True for a close code a peer may send (RFC 6455 §7.4).
bool is_valid_close_code(uint16_t code);

}  // namespace sb::ws
