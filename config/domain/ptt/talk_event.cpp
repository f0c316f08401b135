#include "config/domain/ptt/talk_event.hpp"

#include <fmt/format.h>

namespace sb::ptt {

std::string text_message_id(channel_type type, std::string_view to, std::string_view from,
                            int64_t ms) {
  return fmt::format("{}_17_{}_{}_{}.txt", static_cast<int>(type), to, from, ms);
}

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
