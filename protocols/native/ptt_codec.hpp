#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocols/ptt/encoder.hpp"

namespace sb::native {

// Binary audio frames of the native protocol (docs/protocol.md):
//   client → server: 0x01 | flags | target (16 bytes) | Opus packet
//   server → client: 0x01 | flags | target (16 bytes) | sender (16 bytes) | Opus packet
// flags bit 0: private (target is a user, not a channel); bit 1 (client → server only):
// emergency broadcast (target is the event). Ids are UUIDs as 16 raw bytes.
inline constexpr uint8_t kAudioFrame = 0x01;
inline constexpr uint8_t kPrivateFlag = 0x01;
inline constexpr uint8_t kEmergencyFlag = 0x02;

/// A decoded client audio frame.
struct audio_in {
  ptt::channel_type type = ptt::channel_type::group;
  bool emergency = false;
  std::string target;  ///< channel id, recipient user id or event id, as a UUID string
  std::string opus;
};

/// Parses a client audio frame; nullopt when it is not one.
std::optional<audio_in> decode_audio(std::string_view frame);

/// Encodes talk events as native frames: JSON text for control, the binary layout above for
/// audio.
class ptt_encoder final : public ptt::encoder {
 public:
  ws::frame_ptr encode(const ptt::talk_event& e) const override;
};

/// 16 raw bytes of a UUID string, or nullopt; and back.
std::optional<std::string> uuid_bytes(std::string_view uuid);
std::string uuid_string(std::string_view bytes16);

}  // namespace sb::native
