#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::socketio {

/// Socket.IO v5 packet types: one ASCII digit.
enum class packet_type : char {
  connect = '0',
  disconnect = '1',
  event = '2',
  ack = '3',
  connect_error = '4',
  binary_event = '5',
  binary_ack = '6',
};

/// One Socket.IO packet: `<type>[<attachments>-][<nsp>,][<ack id>][JSON]`. In a binary
/// packet the JSON holds `{"_placeholder":true,"num":N}` where attachment N goes; the
/// attachments travel as the Engine.IO binary messages that follow.
struct packet {
  packet_type type = packet_type::event;
  std::string nsp = "/";
  std::optional<uint64_t> id;
  uint32_t attachments = 0;
  std::optional<boost::json::value> data;
};

/// The most attachments a packet may announce (a bound on what the decoder waits for).
constexpr uint32_t max_attachments = 64;

/// Decodes one packet from an Engine.IO text message, checking the payload's shape for its
/// type as the reference parser does (CONNECT: an object or nothing; DISCONNECT: nothing;
/// EVENT: an array starting with a name that is not reserved; ACK: an array). nullopt when
/// malformed: the Engine.IO session is then closed.
std::optional<packet> decode(std::string_view text);

/// The packet's text (the attachments go separately).
std::string encode(const packet& p);

/// True for `{"_placeholder":true,"num":N}` with N below `count`, the only objects of a
/// binary packet's data that stand for attachments.
bool is_placeholder(const boost::json::value& v, uint32_t count);

}  // namespace sb::socketio
