#pragma once

#include <string_view>

#include "config/domain/ptt/talk_event.hpp"

namespace sb::ptt {

/// A talker as the floor rule sees them: the holder, or someone asking for the floor.
struct floor_claim {
  std::string_view user_id;
  bool dispatcher = false;
  bool emergency = false;
};

/// What a talk group does with a request for its floor.
enum class floor_verdict {
  grant,       ///< the floor was free: the requester takes it
  keep,        ///< the holder asked again (maybe from a new device): they keep it
  preempt,     ///< the requester outranks the holder: the holder is released (preempted)
  take_over,   ///< the holder went silent past ptt.max_idle_ms: released (taken_over)
  busy,        ///< someone of equal or higher rank holds it and is talking
  not_member,  ///< the requester may not talk in this group
};

/// The floor rule, in one place. Members only, except an emergency broadcast (its dispatcher was
/// checked against the whole event); one talker at a time; a higher rank (floor_rank) takes the
/// floor from a lower one; a holder silent for too long (`holder_idle`) loses it to anyone.
inline floor_verdict arbitrate(const floor_claim* holder, const floor_claim& request, bool member,
                               bool holder_idle) {
  if (!member && !request.emergency) return floor_verdict::not_member;
  if (!holder) return floor_verdict::grant;
  if (holder->user_id == request.user_id) return floor_verdict::keep;
  if (floor_rank(request.dispatcher, request.emergency) >
      floor_rank(holder->dispatcher, holder->emergency)) {
    return floor_verdict::preempt;
  }
  return holder_idle ? floor_verdict::take_over : floor_verdict::busy;
}

}  // namespace sb::ptt
