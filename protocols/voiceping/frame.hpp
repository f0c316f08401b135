#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/voiceping/msgpack.hpp"

namespace sb::voiceping {

// VoicePing frames: one binary WebSocket message holding one MessagePack array,
// [channelType, messageType, fromId, toId, (messageId,) payload] (docs/protocol.md, VoicePing).

/// Message types (VoicePing's numbering).
enum class message_type : int64_t {
  start = 1,
  stop = 2,
  audio = 3,
  connection = 4,
  start_ack = 6,
  stop_ack = 7,
  start_failed = 8,
  login_duplicated = 9,
  user_add = 15,
  user_remove = 16,
  text = 17,
  delivered = 20,
  read = 21,
  text_ack = 22,
  connection_test = 25,
  connection_ack = 26,
  unauthorized_group = 27,
};

/// 0 = group, 1 = private; anything else is not a frame.
enum class channel : uint8_t { group = 0, direct = 1 };

struct frame {
  channel type = channel::group;
  int64_t message_type = 0;
  msgpack::value from;
  msgpack::value to;  ///< a falsy toId reads as 0, as the original router did
  msgpack::value message_id;
  std::optional<msgpack::value> payload;  ///< absent in 3- and 4-element arrays
};

/// Decodes one frame; nullopt when it is not a msgpack array of at least three elements with a
/// channel type of 0 or 1 and an integer message type. With six or more elements the fifth is
/// the message id and the sixth the payload; extra elements are ignored.
std::optional<frame> decode(std::string_view bytes);

/// Encodes [ct, mt, from, to, payload], or the six-element form when `message_id` is given.
std::string encode(channel type, message_type mt, const msgpack::value& from,
                   const msgpack::value& to, const msgpack::value& payload,
                   const std::optional<msgpack::value>& message_id = std::nullopt);

/// An id as the router compares it: a string as is, an integer in decimal; "" otherwise.
std::string id_string(const msgpack::value& id);

/// JavaScript's String(payload) for a START payload: "Acknowledged" when absent or falsy.
std::string start_ack_text(const std::optional<msgpack::value>& payload);

}  // namespace sb::voiceping
