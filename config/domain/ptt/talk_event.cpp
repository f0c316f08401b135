#include "config/domain/ptt/talk_event.hpp"

namespace sb::ptt {

std::string_view reason_name(release_reason r) {
  switch (r) {
    case release_reason::max_duration:
      return "max_duration";
    case release_reason::busy_timeout:
      return "busy_timeout";
    case release_reason::preempted:
      return "preempted";
    case release_reason::taken_over:
      return "taken_over";
    case release_reason::disconnected:
      return "disconnected";
    case release_reason::removed:
      return "removed";
  }
  return "released";
}

}  // namespace sb::ptt
