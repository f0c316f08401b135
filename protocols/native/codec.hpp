#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/domain/ptt/talk_event.hpp"
#include "config/ground/errc.hpp"
#include "protocols/native/call_codec.hpp"
#include "protocols/native/chat_codec.hpp"

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

/// Who a PTT request is for: `"channel":"<channel id>"` (group talk) or `"to":"<user id>"`
/// (private talk); exactly one of the two.
struct talk_target {
  ptt::channel_type type = ptt::channel_type::group;
  std::string id;
};

/// {"type":"ptt.start","id":…,"channel"|"to":…}: ask for the floor / start a private burst.
struct ptt_start {
  std::string id;
  talk_target target;
};

/// {"type":"ptt.stop","id":…,"channel"|"to":…}: end the burst.
struct ptt_stop {
  std::string id;
  talk_target target;
};

/// {"type":"text","id":…,"channel"|"to":…,"text":"…"}: a message to a group or a user.
struct text_message {
  std::string id;
  talk_target target;
  std::string text;
};

/// {"type":"receipt","id":…,"to":"<sender>","message_id":…,"status":"delivered"|"read"}
struct receipt {
  std::string id;
  std::string to;
  std::string message_id;
  bool read = false;
};

/// {"type":"emergency.start","id":…,"event":"<event id>"}: talk to every channel of it.
struct emergency_start {
  std::string id;
  std::string event;
};

/// {"type":"emergency.stop","id":…}
struct emergency_stop {
  std::string id;
};

using request = std::variant<ping, echo, ptt_start, ptt_stop, text_message, receipt,
                             emergency_start, emergency_stop, call_invite, call_request,
                             chat_send_request, chat_pointer_request, chat_history_request,
                             chat_change_request, chat_sync_request, presence_subscribe_request>;

/// A message that cannot be decoded; `id` is set when the envelope got that far.
struct decode_failure {
  std::string id;
  errc code;
  std::string detail;
};

std::variant<request, decode_failure> decode(std::string_view text);
/// The same for an envelope already parsed (another protocol's event mapped onto it).
std::variant<request, decode_failure> decode(const boost::json::object& envelope);

std::string encode_pong(std::string_view id);
std::string encode_echo_ok(std::string_view id, int64_t note_id, int64_t created_at_us,
                           std::string_view text);
/// {"type":"ptt.granted","id":…,"channel"|"to":…}
std::string encode_ptt_granted(std::string_view id, const talk_target& target);
/// {"type":"ptt.denied","id":…,"channel"|"to":…,"reason":"busy"|"not_member"|"unknown_user"}
std::string encode_ptt_denied(std::string_view id, const talk_target& target,
                              std::string_view reason);
/// {"type":"ptt.stop.ok","id":…,"channel"|"to":…,"message_id":…|null,"duration_ms":…}
std::string encode_ptt_stopped(std::string_view id, const talk_target& target,
                               std::string_view message_id, int64_t duration_ms);
/// {"type":"channel.joined","channel":…,"dispatcher":bool}: the session now hears the channel.
std::string encode_channel_joined(std::string_view channel, bool dispatcher);
/// {"type":"channel.left","channel":…}: the session no longer hears it.
std::string encode_channel_left(std::string_view channel);
/// {"type":"text.ok","id":…,"message_id":…}
std::string encode_text_ok(std::string_view id, std::string_view message_id);
/// {"type":"receipt.ok","id":…}
std::string encode_receipt_ok(std::string_view id);
/// {"type":"emergency.started","id":…,"event":…,"channels":[…]}
std::string encode_emergency_started(std::string_view id, std::string_view event,
                                     const std::vector<std::string>& channels);
/// {"type":"emergency.stop.ok","id":…}
std::string encode_emergency_stopped(std::string_view id);

/// {"type":"error","id":…,"code":"…","message":"…"}; `id` omitted when empty.
std::string encode_error(std::string_view id, errc code, std::string_view message);

}  // namespace sb::native
