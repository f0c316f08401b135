#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "actors/runtime/errc.hpp"

namespace sb::native {

// The native JSON envelope (docs/protocol.md): {"type": "...", "id": ..., ...fields}.
// `id` is optional; when present it is a string (up to 128 bytes) or an integer, and every
// reply carries it back byte for byte. Decoded ids are kept as their JSON text.

/// {"type":"ping","id":…} → {"type":"pong","id":…}
struct ping {
  std::string id;
};

/// {"type":"echo","id":…,"text":"…"} → committed as a note, then {"type":"echo.ok",…}
struct echo {
  std::string id;
  std::string text;
};

using request = std::variant<ping, echo>;

/// A message that cannot be decoded; `id` is set when the envelope got that far.
struct decode_failure {
  std::string id;
  errc code;
  std::string detail;
};

std::variant<request, decode_failure> decode(std::string_view text);

std::string encode_pong(std::string_view id);
std::string encode_echo_ok(std::string_view id, int64_t note_id, int64_t created_at_us,
                           std::string_view text);
/// {"type":"error","id":…,"code":"…","message":"…"}; `id` omitted when empty.
std::string encode_error(std::string_view id, errc code, std::string_view message);

}  // namespace sb::native
