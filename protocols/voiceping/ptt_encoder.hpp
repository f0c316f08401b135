#pragma once

#include "protocols/ptt/encoder.hpp"

namespace sb::voiceping {

/// Encodes talk events as VoicePing frames (docs/protocol.md, VoicePing): a START carries the
/// talker's own START payload (or, for talkers on another protocol, the server time in epoch
/// milliseconds), AUDIO the Opus bytes as bin, STOP the JSON {"duration":…,"message_id":…},
/// TEXT the JSON {"message_id":…,"text":…}, receipts the message id; a holder who loses the
/// floor gets START_FAILED with the reason.
class ptt_encoder final : public ptt::encoder {
 public:
  ws::frame_ptr encode(const ptt::talk_event& e) const override;
};

}  // namespace sb::voiceping
