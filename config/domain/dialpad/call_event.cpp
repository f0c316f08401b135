#include "config/domain/dialpad/call_event.hpp"

#include <fmt/format.h>

namespace sb::dialpad {

std::optional<std::string> call_event::from_number() const {
  return direction == "outbound" ? internal_number : external_number;
}

std::optional<std::string> call_event::to_number() const {
  return direction == "outbound" ? external_number : internal_number;
}

std::string dedupe_key(const call_event& e) {
  return fmt::format("{}|{}|{}", e.call_id, e.state,
                     e.event_timestamp_ms ? std::to_string(*e.event_timestamp_ms) : "-");
}

phase phase_of(std::string_view s) {
  if (s == "calling" || s == "ringing" || s == "preanswer" || s == "queued") return phase::ring;
  if (s == "connected" || s == "hold" || s == "merged" || s == "parked" || s == "barge" ||
      s == "monitor" || s == "eavesdrop" || s == "takeover")
    return phase::active;
  if (s == "hangup" || s == "missed" || s == "voicemail" || s == "blocked") return phase::ended;
  return phase::info;
}

std::string_view seed_event_of(std::string_view s) {
  if (s == "calling" || s == "ringing") return "call.ring";
  if (s == "connected") return "call.started";
  if (s == "hangup" || s == "missed") return "call.ended";
  if (s == "recording") return "call.recording.completed";
  if (s == "voicemail_uploaded") return "voicemail.received";
  return "call.updated";
}

std::string_view status_of(std::string_view s) {
  switch (phase_of(s)) {
    case phase::ring:
      return "ringing";
    case phase::active:
      return s == "hold" ? "on_hold" : "active";
    case phase::ended:
      if (s == "hangup") return "completed";
      return s;  // missed, voicemail, blocked
    case phase::info:
      return "";
  }
  return "";
}

}  // namespace sb::dialpad
