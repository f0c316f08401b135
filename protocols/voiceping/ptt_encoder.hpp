#pragma once

#include "protocols/ptt/encoder.hpp"
#include "protocols/voiceping/wire_ids.hpp"

namespace sb::voiceping {

/// Encodes talk events as VoicePing frames (docs/protocol.md, VoicePing): a START carries the
/// talker's own START payload (or, for talkers on another protocol, the server time in epoch
/// milliseconds), AUDIO the Opus bytes as bin, STOP the JSON {"duration":…,"message_id":…},
/// TEXT the JSON {"message_id":…,"text":…}, receipts the message id; a holder who loses the
/// floor gets START_FAILED with the reason. Ids are written as the listeners know them: a drop-in
/// router's foreign ids where `ids` links them, ours otherwise.
class ptt_encoder final : public ptt::encoder {
 public:
  explicit ptt_encoder(const wire_ids* ids = nullptr) : ids_(ids) {}
  ws::frame_ptr encode(const ptt::talk_event& e) const override;

 private:
  msgpack::value id(const std::string& ours) const { return ids_ ? ids_->wire_of(ours) : ours; }
  const wire_ids* ids_;
};

}  // namespace sb::voiceping
