#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ws/frame.hpp"

namespace sb::ws {

/// What the reader found in the bytes fed to it.
struct inbound_event {
  enum class kind {
    message,    ///< a complete text or binary message in `payload`
    oversized,  ///< a message longer than the limit; its bytes were discarded (`size` so far)
    ping,
    pong,
    close,  ///< the peer's close frame: `code` (1005 if none) and `payload` = reason
    error,  ///< a protocol violation: close with `code`, reason in `payload`
  };
  kind what;
  opcode op = opcode::text;
  std::string payload;
  uint16_t code = 0;
  uint64_t size = 0;
};

/// Incremental RFC 6455 parser for client-to-server traffic: unmasks, reassembles fragments,
/// validates UTF-8 of text messages and enforces the message size limit without buffering an
/// oversized message. After an `error` event it ignores further input.
class message_reader {
 public:
  explicit message_reader(uint64_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  /// Consumes `bytes`, appending events to `out`.
  void feed(std::string_view bytes, std::vector<inbound_event>& out);

  bool failed() const noexcept { return failed_; }

 private:
  void fail(uint16_t code, std::string reason, std::vector<inbound_event>& out);
  bool parse_header(std::vector<inbound_event>& out);  // false when more bytes are needed
  void finish_frame(std::vector<inbound_event>& out);

  uint64_t max_message_bytes_;
  bool failed_ = false;

  // Current frame.
  std::string header_;
  bool in_payload_ = false;
  bool fin_ = false;
  opcode op_ = opcode::text;
  std::array<uint8_t, 4> mask_{};
  uint64_t remaining_ = 0;
  uint64_t mask_offset_ = 0;
  std::string control_;

  // Current (possibly fragmented) data message.
  bool in_message_ = false;
  opcode message_op_ = opcode::text;
  uint64_t message_size_ = 0;
  bool discarding_ = false;
  std::string message_;
};

}  // namespace sb::ws
