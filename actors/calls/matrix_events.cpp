#include "actors/calls/matrix_events.hpp"

#include <boost/json.hpp>

namespace sb::matrix {

namespace json = boost::json;

namespace {

std::optional<persistence::matrix_event> event(const calls::call_row& c, std::string type,
                                               const std::string& user_id, json::object content) {
  if (!c.room_id) return std::nullopt;
  content["call_id"] = c.id;
  content["party_id"] = party_id(user_id);
  content["version"] = "1";
  return persistence::matrix_event{
      0, c.tenant_id, c.id, *c.room_id, std::move(type), json::serialize(content), 0};
}

/// The spec's hangup reasons for how the call ended.
std::string hangup_reason(const calls::call_row& c) {
  auto reason = c.end_reason.value_or("");
  if (reason == "no_answer" || reason == "callee_offline") return "invite_timeout";
  if (reason == "hangup" || reason == "cancelled") return "user_hangup";
  return "unknown_error";
}

}  // namespace

std::string party_id(const std::string& user_id) {
  std::string out;
  for (char ch : user_id) {
    if (ch != '-') out += ch;
    if (out.size() == 12) break;
  }
  return out;
}

std::optional<persistence::matrix_event> invite(const calls::call_row& c, const std::string& sdp,
                                                std::chrono::milliseconds lifetime) {
  return event(c, "m.call.invite", c.initiator_id,
               {{"lifetime", lifetime.count()}, {"offer", {{"type", "offer"}, {"sdp", sdp}}}});
}

std::optional<persistence::matrix_event> answer(const calls::call_row& c,
                                                const std::string& user_id,
                                                const std::string& sdp) {
  return event(c, "m.call.answer", user_id, {{"answer", {{"type", "answer"}, {"sdp", sdp}}}});
}

std::optional<persistence::matrix_event> candidates(const calls::call_row& c,
                                                    const std::string& user_id,
                                                    const std::string& candidate_json) {
  json::array list{json::parse(candidate_json)};
  return event(c, "m.call.candidates", user_id, {{"candidates", std::move(list)}});
}

std::optional<persistence::matrix_event> end_of(const calls::call_row& c,
                                                const std::string& by_user_id) {
  if (c.state == "rejected") return event(c, "m.call.reject", by_user_id, {});
  return event(c, "m.call.hangup", by_user_id, {{"reason", hangup_reason(c)}});
}

}  // namespace sb::matrix
