#include "protocols/dialpad/live_events.hpp"

#include <boost/json.hpp>

#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"

namespace sb::dialpad {

namespace json = boost::json;

namespace {

json::value seconds_or_null(const std::optional<int64_t>& ms) {
  return ms ? json::value(seconds_of_ms(*ms)) : json::value(nullptr);
}

std::string timestamp_of(const call_event& e, int64_t now_us) {
  return iso_time(e.event_timestamp_ms ? *e.event_timestamp_ms * 1000 : now_us);
}

}  // namespace

std::string call_event_body(const call_event& e, const cti::cti_call& c,
                            const std::optional<std::string>& crm_user, int64_t seq,
                            int64_t now_us) {
  return json::serialize(json::object{
      {"event", seed_event_of(e.state)},
      {"timestamp", timestamp_of(e, now_us)},
      {"call_id", c.id},
      {"dialpad_call_id", c.dialpad_call_id},
      {"state", e.state},
      {"status", c.status},
      {"direction", json_or_null(c.direction)},
      {"from_number", json_or_null(c.from_number)},
      {"to_number", json_or_null(c.to_number)},
      {"dialpad_user_id", json_or_null(c.dialpad_user_id)},
      {"duration_seconds", seconds_or_null(c.duration_ms)},
      {"recording_url", json_or_null(c.recording_url)},
      {"target_crm_user", json_or_null(crm_user)},
      {"seq", seq},
  });
}

std::string voicemail_body(const call_event& e, const cti::voicemail& v,
                           const std::optional<std::string>& call_id,
                           const std::optional<std::string>& crm_user, int64_t seq,
                           int64_t now_us) {
  return json::serialize(json::object{
      {"event", "voicemail.received"},
      {"timestamp", timestamp_of(e, now_us)},
      {"voicemail_id", v.id},
      {"call_id", json_or_null(call_id)},
      {"dialpad_call_id", e.call_id},
      {"from_number", json_or_null(v.from_number)},
      {"to_number", json_or_null(v.to_number)},
      {"dialpad_user_id", json_or_null(v.dialpad_user_id)},
      {"duration_seconds", json_or_null(v.duration_seconds)},
      {"recording_url", json_or_null(v.recording_url)},
      {"transcript", json_or_null(v.transcript)},
      {"target_crm_user", json_or_null(crm_user)},
      {"seq", seq},
  });
}

}  // namespace sb::dialpad
