#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sb::ptt {

/// Group (talk group = channel) or private (1:1) traffic; the values are VoicePing's.
enum class channel_type : uint8_t { group = 0, direct = 1 };

/// Why a holder lost the floor without stopping.
enum class release_reason {
  max_duration,
  busy_timeout,
  preempted,
  taken_over,
  disconnected,
  removed
};

/// Something a talk group (or a private talk) tells its listeners, independent of wire
/// protocol. Each protocol's encoder turns it into one frame, which is then queued unchanged
/// for every listener speaking that protocol.
struct talk_event {
  enum class kind {
    started,   ///< someone took the floor (`from`, `dispatcher`, `emergency`, `start_raw`)
    audio,     ///< one audio packet of the current talker (`payload` = the Opus bytes)
    ended,     ///< the talker stopped (`message_id`, `duration_ms`)
    released,  ///< to the holder: the floor was taken away (`reason`)
    text,      ///< a text message (`message_id`, `payload` = the text)
    receipt,   ///< private only: `from` got (or read, `read`) the message `message_id`
  };
  kind what = kind::audio;
  channel_type type = channel_type::group;
  std::string target;  ///< channel id, or for private traffic the recipient's user id
  std::string from;    ///< the sender's user id
  std::string message_id;
  int64_t duration_ms = 0;
  /// The talker's VoicePing START payload as MessagePack bytes (usually the client's clock),
  /// forwarded unchanged to VoicePing listeners; empty for talkers on other protocols.
  std::string start_raw;
  bool dispatcher = false;
  bool emergency = false;  ///< an emergency broadcast to every channel of the event
  bool read = false;       ///< receipt: read (true) or delivered (false)
  release_reason reason = release_reason::max_duration;
  std::shared_ptr<const std::string> payload;
  int64_t at_ms = 0;  ///< server time, epoch milliseconds
};

/// A text message's id in VoicePing's form, "<ct>_17_<to>_<from>_<ms>.txt": one talk-group
/// channel's chat messages carry it too, so PTT clients and chat clients name a text alike.
std::string text_message_id(channel_type type, std::string_view to, std::string_view from,
                            int64_t ms);

/// Hands out millisecond stamps that never repeat for one writer: message ids built from them
/// stay distinct when two texts come within one millisecond.
struct unique_ms {
  int64_t last = 0;
  int64_t next(int64_t now_ms) { return last = now_ms > last ? now_ms : last + 1; }
};

/// The wire-independent name of a release reason ("max_duration", …).
std::string_view reason_name(release_reason r);

/// Floor ranking: an emergency broadcast outranks a dispatcher, who outranks everyone else. A
/// request that outranks the holder takes the floor; an equal or lower one finds it busy.
inline int floor_rank(bool dispatcher, bool emergency) {
  return emergency ? 2 : dispatcher ? 1 : 0;
}

}  // namespace sb::ptt
