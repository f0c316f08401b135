#include "persistence/cti/processing.hpp"

#include <boost/json.hpp>

#include "actors/runtime/clock.hpp"
#include "persistence/cti/calls.hpp"
#include "persistence/cti/user_mappings.hpp"
#include "persistence/cti/voicemails.hpp"
#include "persistence/cti/webhook_events.hpp"
#include "protocols/dialpad/call_event.hpp"
#include "protocols/http/json_or_null.hpp"

namespace sb::persistence {

namespace json = boost::json;

namespace {

json::value seconds_or_null(const std::optional<int64_t>& ms) {
  return ms ? json::value(dialpad::seconds_of_ms(*ms)) : json::value(nullptr);
}

std::string timestamp_of(const dialpad::call_event& e, int64_t now_us) {
  return iso_time(e.event_timestamp_ms ? *e.event_timestamp_ms * 1000 : now_us);
}

/// The seed's call event shape, with the raw Dialpad state alongside.
json::object call_body(const dialpad::call_event& e, const cti_call& c,
                       const std::optional<std::string>& crm_user, int64_t now_us) {
  return json::object{
      {"event", dialpad::seed_event_of(e.state)},
      {"timestamp", timestamp_of(e, now_us)},
      {"call_id", c.id},
      {"dialpad_call_id", c.dialpad_call_id},
      {"state", e.state},
      {"status", c.status},
      {"direction", http::json_or_null(c.direction)},
      {"from_number", http::json_or_null(c.from_number)},
      {"to_number", http::json_or_null(c.to_number)},
      {"dialpad_user_id", http::json_or_null(c.dialpad_user_id)},
      {"duration_seconds", seconds_or_null(c.duration_ms)},
      {"recording_url", http::json_or_null(c.recording_url)},
      {"target_crm_user", http::json_or_null(crm_user)},
  };
}

json::object voicemail_body(const dialpad::call_event& e, const voicemail& v,
                            const std::optional<std::string>& call_id,
                            const std::optional<std::string>& crm_user, int64_t now_us) {
  return json::object{
      {"event", "voicemail.received"},
      {"timestamp", timestamp_of(e, now_us)},
      {"voicemail_id", v.id},
      {"call_id", http::json_or_null(call_id)},
      {"dialpad_call_id", e.call_id},
      {"from_number", http::json_or_null(v.from_number)},
      {"to_number", http::json_or_null(v.to_number)},
      {"dialpad_user_id", http::json_or_null(v.dialpad_user_id)},
      {"duration_seconds", http::json_or_null(v.duration_seconds)},
      {"recording_url", http::json_or_null(v.recording_url)},
      {"transcript", http::json_or_null(v.transcript)},
      {"target_crm_user", http::json_or_null(crm_user)},
  };
}

std::optional<std::string> crm_user_of(soci::session& sql, const std::string& app_id,
                                       const std::optional<int64_t>& dialpad_user_id) {
  if (!dialpad_user_id) return std::nullopt;
  auto m = mapping_by_dialpad_id(sql, app_id, *dialpad_user_id);
  if (!m) return std::nullopt;
  return m->crm_user_id;
}

}  // namespace

namespace {

processing_outcome process_one(soci::session& sql, const webhook_event& stored, int64_t now_us,
                               int64_t& last_seq) {
  processing_outcome out;
  json::error_code ec;
  auto claims = json::parse(stored.payload, ec);
  std::string why = "the payload is not a JSON object";
  std::optional<dialpad::call_event> e;
  if (!ec && claims.is_object()) e = dialpad::parse_call_event(claims.as_object(), &why);
  if (!e) {
    out.unprocessable = "not a call event: " + why;
    record_webhook_failure(sql, stored.id, *out.unprocessable, now_us, 0, 1, true);
    return out;
  }
  auto applied = apply_call_event(sql, stored.app_id, stored.tenant_id, *e, stored.id, now_us);
  auto crm_user = crm_user_of(sql, stored.app_id, applied.call.dialpad_user_id);
  auto append = [&](json::object body) {
    out.events.push_back(
        append_app_event(sql, stored.app_id, std::move(body), crm_user, now_us, ++last_seq));
  };
  std::optional<voicemail> vm;
  if (e->voicemail_url || e->transcript) {
    vm = upsert_voicemail(sql, stored.app_id, stored.tenant_id, *e, now_us);
  }
  if (vm && e->voicemail_url) {
    append(voicemail_body(*e, *vm, applied.call.id, crm_user, now_us));
  } else if (!applied.stale) {
    append(call_body(*e, applied.call, crm_user, now_us));
  }
  return out;
}

}  // namespace

std::vector<processing_outcome> process_webhook_events(soci::session& sql,
                                                       const std::vector<webhook_event>& events,
                                                       int64_t now_us) {
  std::vector<processing_outcome> out;
  if (events.empty()) return out;
  auto last_seq = last_app_seq(sql, events.front().app_id);
  std::vector<int64_t> processed;
  for (const auto& e : events) {
    out.push_back(process_one(sql, e, now_us, last_seq));
    if (!out.back().unprocessable) processed.push_back(e.id);
  }
  mark_webhooks_processed(sql, processed, now_us);  // one statement for the batch
  return out;
}

}  // namespace sb::persistence
