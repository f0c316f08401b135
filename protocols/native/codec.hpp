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

/// {"type":"ptt.start","id":…,"channel":"<channel id>"}: ask for the floor.
struct ptt_start {
  std::string id;
  std::string channel;
};

/// {"type":"ptt.stop","id":…,"channel":"<channel id>"}: end the burst.
struct ptt_stop {
  std::string id;
  std::string channel;
};

/// {"type":"text","id":…,"channel":"<channel id>","text":"…"}: a message to the group.
struct text_message {
  std::string id;
  std::string channel;
  std::string text;
};

using request = std::variant<ping, echo, ptt_start, ptt_stop, text_message>;

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
/// {"type":"ptt.granted","id":…,"channel":…}
std::string encode_ptt_granted(std::string_view id, std::string_view channel);
/// {"type":"ptt.denied","id":…,"channel":…,"reason":"busy"|"not_member"}
std::string encode_ptt_denied(std::string_view id, std::string_view channel,
                              std::string_view reason);
/// {"type":"ptt.stop.ok","id":…,"channel":…,"message_id":…|null,"duration_ms":…}
std::string encode_ptt_stopped(std::string_view id, std::string_view channel,
                               std::string_view message_id, int64_t duration_ms);
/// {"type":"channel.joined","channel":…,"dispatcher":bool}: the session now hears the channel.
std::string encode_channel_joined(std::string_view channel, bool dispatcher);
/// {"type":"channel.left","channel":…}: the session no longer hears it.
std::string encode_channel_left(std::string_view channel);
/// {"type":"text.ok","id":…,"message_id":…}
std::string encode_text_ok(std::string_view id, std::string_view message_id);

/// {"type":"error","id":…,"code":"…","message":"…"}; `id` omitted when empty.
std::string encode_error(std::string_view id, errc code, std::string_view message);

}  // namespace sb::native
