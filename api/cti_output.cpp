#include "api/cti_output.hpp"

#include <boost/json.hpp>

#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

json::value ms_time(const std::optional<int64_t>& ms) {
  return ms ? json::value(iso_time(*ms * 1000)) : json::value(nullptr);
}

}  // namespace

json::object cti_call_json(const persistence::cti_call& c) {
  return json::object{
      {"id", c.id},
      {"dialpad_call_id", c.dialpad_call_id},
      {"direction", json_or_null(c.direction)},
      {"from_number", json_or_null(c.from_number)},
      {"to_number", json_or_null(c.to_number)},
      {"status", c.status},
      {"state", c.state},
      {"dialpad_user_id", json_or_null(c.dialpad_user_id)},
      {"started_at", ms_time(c.started_at_ms)},
      {"connected_at", ms_time(c.connected_at_ms)},
      {"ended_at", ms_time(c.ended_at_ms)},
      {"duration_seconds",
       c.duration_ms ? json::value(dialpad::seconds_of_ms(*c.duration_ms)) : nullptr},
      {"recording_url", json_or_null(c.recording_url)},
      {"created_at", iso_time(c.created_at_us)},
      {"updated_at", iso_time(c.updated_at_us)},
  };
}

json::object voicemail_json(const persistence::voicemail& v) {
  return json::object{
      {"id", v.id},
      {"dialpad_call_id", json_or_null(v.dialpad_call_id)},
      {"dialpad_user_id", json_or_null(v.dialpad_user_id)},
      {"from_number", json_or_null(v.from_number)},
      {"to_number", json_or_null(v.to_number)},
      {"recording_url", json_or_null(v.recording_url)},
      {"transcript", json_or_null(v.transcript)},
      {"duration_seconds", json_or_null(v.duration_seconds)},
      {"created_at", iso_time(v.created_at_us)},
      {"updated_at", iso_time(v.updated_at_us)},
  };
}

json::object user_mapping_json(const persistence::user_mapping& m) {
  return json::object{
      {"id", m.id},
      {"dialpad_user_id", m.dialpad_user_id},
      {"crm_user_id", m.crm_user_id},
      {"created_at", iso_time(m.created_at_us)},
      {"updated_at", iso_time(m.updated_at_us)},
  };
}

json::object webhook_event_json(const persistence::webhook_event& e) {
  return json::object{
      {"id", e.id},
      {"call_id", json_or_null(e.call_id)},
      {"state", json_or_null(e.state)},
      {"event_timestamp", json_or_null(e.event_timestamp_ms)},
      {"signing", e.signing},
      {"status", e.status},
      {"attempts", e.attempts},
      {"last_error", json_or_null(e.last_error)},
      {"next_attempt_at",
       e.status == "failed" ? json::value(iso_time(e.next_attempt_at_us)) : json::value(nullptr)},
      {"received_at", iso_time(e.received_at_us)},
      {"processed_at", e.processed_at_us ? json::value(iso_time(*e.processed_at_us)) : nullptr},
  };
}

}  // namespace sb::api
