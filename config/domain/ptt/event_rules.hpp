#pragma once

#include <string_view>

#include "config/domain/identity/principal.hpp"
#include "config/domain/identity/privilege.hpp"

namespace sb::ptt {

/// The dispatcher rule, in one place: a member dispatches in an event when their role in it is
/// DISPATCH and their membership is ACTIVE (a PENDING or REJECTED dispatcher does not).
inline bool dispatches(std::string_view role, std::string_view status) {
  return role == "DISPATCH" && status == "ACTIVE";
}

/// Who may manage an event (its teams, channels, members, traffic and recordings) and start
/// its emergency broadcasts: a tenant administrator, or one of its dispatchers.
inline bool may_manage_event(const principal& who, bool dispatcher) {
  return dispatcher || is_admin(who);
}

}  // namespace sb::ptt
