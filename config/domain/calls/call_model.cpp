#include "config/domain/calls/call_model.hpp"

#include <algorithm>

namespace sb::calls {

call_participant_row* call_row::participant(const std::string& user_id) {
  for (auto& p : participants) {
    if (p.who.user_id == user_id) return &p;
  }
  return nullptr;
}

const call_participant_row* call_row::participant(const std::string& user_id) const {
  return const_cast<call_row*>(this)->participant(user_id);
}

std::optional<call_refusal> refusal_for(const call_row* c, const std::string& tenant_id,
                                        const std::string& user_id, call_action action) {
  if (!c || c->tenant_id != tenant_id) return call_refusal{errc::not_found, "no such call"};
  if (!c->participant(user_id)) {
    return call_refusal{errc::forbidden, "you are not a participant of this call"};
  }
  if (action != call_action::status && c->finished()) {
    return call_refusal{errc::conflict, "the call has ended"};
  }
  return std::nullopt;
}

std::string_view action_name(call_action a) {
  switch (a) {
    case call_action::answer:
      return "answer";
    case call_action::reject:
      return "reject";
    case call_action::end:
      return "end";
    case call_action::offer:
      return "offer";
    case call_action::answer_sdp:
      return "answer_sdp";
    case call_action::ice:
      return "ice";
    case call_action::media:
      return "media";
    case call_action::status:
      break;
  }
  return "status";
}

callee_ref callee_of(std::string_view target) {
  bool digits =
      !target.empty() && target.size() <= 10 &&
      std::all_of(target.begin(), target.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) return {{}, std::string(target), {}};
  if (target.starts_with('@')) return {{}, {}, std::string(target)};
  return {std::string(target), {}, {}};
}

}  // namespace sb::calls
