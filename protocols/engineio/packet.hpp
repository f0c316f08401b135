#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::engineio {

/// Engine.IO v4 packet types: one ASCII digit before the data.
enum class packet_type : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

/// One Engine.IO packet. A binary message has no type digit on the wire (a WebSocket binary
/// frame, or "b" + base64 in a polling payload); `binary` says which kind `data` is.
struct packet {
  packet_type type = packet_type::message;
  std::string data;
  bool binary = false;

  bool operator==(const packet&) const = default;
};

/// Decodes the text of one packet (a WebSocket text message): a known type digit, then data.
std::optional<packet> decode_text(std::string_view text);

/// Decodes a polling payload (the body of a POST): packets separated by 0x1E, a binary one as
/// "b" + padded base64. nullopt when any packet is malformed (the session is then closed).
std::optional<std::vector<packet>> decode_payload(std::string_view body);

/// The text of one packet in a polling payload (binary as "b" + base64).
std::string encode_polling(const packet& p);

/// The separator between the packets of a polling payload.
constexpr char record_separator = '\x1e';

}  // namespace sb::engineio
