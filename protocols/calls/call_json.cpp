#include "protocols/calls/call_json.hpp"

#include <boost/json.hpp>

#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"

namespace sb::calls {

namespace json = boost::json;

json::object party_json(const call_party& p) {
  return {{"user_id", p.user_id}, {"name", p.name}, {"extension", json_or_null(p.extension)}};
}

json::object call_json(const call_row& c) {
  json::array participants;
  for (const auto& p : c.participants) {
    auto o = party_json(p.who);
    o["role"] = p.role;
    o["status"] = p.status;
    o["audio"] = p.audio;
    o["video"] = p.video;
    o["joined_at"] = iso_time_or_null(p.joined_at_us);
    o["left_at"] = iso_time_or_null(p.left_at_us);
    participants.push_back(std::move(o));
  }
  json::value duration = nullptr;
  if (c.answered_at_us) {
    duration = (c.ended_at_us.value_or(now_us()) - *c.answered_at_us + 500'000) / 1'000'000;
  }
  return {{"id", c.id},
          {"state", c.state},
          {"media", c.media},
          {"room_id", json_or_null(c.room_id)},
          {"initiator_id", c.initiator_id},
          {"end_reason", json_or_null(c.end_reason)},
          {"created_at", iso_time(c.created_at_us)},
          {"answered_at", iso_time_or_null(c.answered_at_us)},
          {"ended_at", iso_time_or_null(c.ended_at_us)},
          {"duration_s", duration},
          {"participants", std::move(participants)}};
}

std::optional<std::string> candidate_json(const json::value& v) {
  auto* c = v.if_object();
  if (!c) return std::nullopt;
  auto* text = c->if_contains("candidate");
  if (!text || !text->is_string()) return std::nullopt;
  json::object out{{"candidate", *text}};
  auto copy = [&](std::string_view name, bool integer) {
    auto* f = c->if_contains(name);
    if (!f) return true;
    bool ok = f->is_null() || (integer ? f->is_int64() || f->is_uint64() : f->is_string());
    if (ok) out[name] = *f;
    return ok;
  };
  if (!copy("sdpMid", false) || !copy("sdpMLineIndex", true) || !copy("usernameFragment", false)) {
    return std::nullopt;
  }
  return json::serialize(out);
}

}  // namespace sb::calls
