#include "protocols/dialpad/call_event_json.hpp"

#include "config/ground/json_input.hpp"

#include <boost/json/parse.hpp>

#include <cmath>
#include <limits>

namespace sb::dialpad {

namespace json = boost::json;

namespace {

/// An integer field; JSON null or absent is nullopt. A float (Dialpad sends durations such as
/// 8951.03 ms) is rounded; anything else is ignored.
std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= uint64_t(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(v->as_uint64());
  if (v->is_double() && std::isfinite(v->as_double()) && std::fabs(v->as_double()) < 9e18)
    return static_cast<int64_t>(std::llround(v->as_double()));
  return std::nullopt;
}

std::optional<std::string> text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
  return std::string(v->as_string());
}

const json::object* object(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

/// The first recording's URL (recording_details[]), else the legacy recording_url (a string
/// or an array of strings).
std::optional<std::string> recording_of(const json::object& o) {
  if (auto* d = o.if_contains("recording_details"); d && d->is_array()) {
    for (const auto& r : d->as_array()) {
      if (r.is_object()) {
        if (auto url = text(r.as_object(), "url")) return url;
      }
    }
  }
  if (auto* r = o.if_contains("recording_url")) {
    if (r->is_string() && !r->as_string().empty()) return std::string(r->as_string());
    if (r->is_array() && !r->as_array().empty() && r->as_array()[0].is_string())
      return std::string(r->as_array()[0].as_string());
  }
  return std::nullopt;
}

}  // namespace

std::optional<call_event> parse_call_event(const json::object& claims, std::string* why) {
  call_event e;
  auto id = integer(claims, "call_id");
  auto* raw_id = claims.if_contains("call_id");
  if (!id || !raw_id || raw_id->is_double()) {
    if (why) *why = "call_id is missing or not an integer";
    return std::nullopt;
  }
  auto state = text(claims, "state");
  if (!state) {
    if (why) *why = "state is missing or not a string";
    return std::nullopt;
  }
  e.call_id = *id;
  e.state = std::move(*state);
  e.event_timestamp_ms = integer(claims, "event_timestamp");
  e.direction = text(claims, "direction");
  e.external_number = text(claims, "external_number");
  e.internal_number = text(claims, "internal_number");
  e.date_started_ms = integer(claims, "date_started");
  e.date_connected_ms = integer(claims, "date_connected");
  e.date_ended_ms = integer(claims, "date_ended");
  e.duration_ms = integer(claims, "duration");
  if (auto* t = object(claims, "target"); t && text(*t, "type") == "user") {
    e.target_user_id = integer(*t, "id");
  }
  e.recording_url = recording_of(claims);
  e.voicemail_url = text(claims, "voicemail_link");
  e.transcript = text(claims, "transcription_text");
  return e;
}

std::optional<call_event> read_call_event(const std::string& payload, std::string* why) {
  json::error_code ec;
  auto claims = parse_json(payload, ec);
  if (ec || !claims.is_object()) {
    if (why) *why = "the payload is not a JSON object";
    return std::nullopt;
  }
  return parse_call_event(claims.as_object(), why);
}

}  // namespace sb::dialpad
