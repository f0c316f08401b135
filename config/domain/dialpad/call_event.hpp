#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::dialpad {

/// Where a Dialpad call state sits in a call's life. A call's status only moves forward:
/// ring → active → ended; `info` states (recording, transcription, recap, …) add data to a
/// call without moving it.
enum class phase { info = 0, ring = 1, active = 2, ended = 3 };

/// What our store and clients need of one Dialpad call event (Dialpad's field names and
/// units: ids int64, times and durations in milliseconds).
struct call_event {
  int64_t call_id = 0;
  std::string state;
  std::optional<int64_t> event_timestamp_ms;
  std::optional<std::string> direction;  ///< inbound, outbound
  std::optional<std::string> external_number;
  std::optional<std::string> internal_number;
  std::optional<int64_t> date_started_ms;
  std::optional<int64_t> date_connected_ms;
  std::optional<int64_t> date_ended_ms;
  std::optional<int64_t> duration_ms;
  std::optional<int64_t> target_user_id;  ///< target.id when target.type is "user"
  std::optional<std::string> recording_url;
  std::optional<std::string> voicemail_url;
  std::optional<std::string> transcript;

  /// The caller and the called number, by direction.
  std::optional<std::string> from_number() const;
  std::optional<std::string> to_number() const;
};

/// Dialpad's milliseconds as the seed's whole seconds, rounded.
inline int64_t seconds_of_ms(int64_t ms) {
  return (ms + 500) / 1000;
}

/// The identity of a delivery, for deduplicating Dialpad's retries: a retry repeats the
/// event's call_id, state and event_timestamp, while a call that really passes through a
/// state twice (a second `connected`) carries a new timestamp.
std::string dedupe_key(const call_event& e);

phase phase_of(std::string_view state);

/// The seed's event name for a state ("call.ring", "call.started", "call.ended",
/// "call.recording.completed", "voicemail.received"), or "call.updated" for the rest.
std::string_view seed_event_of(std::string_view state);

/// The call status the seed's clients see for a state: ringing, active, completed, missed,
/// voicemail, blocked; empty for info states (they keep the current status).
std::string_view status_of(std::string_view state);

}  // namespace sb::dialpad
