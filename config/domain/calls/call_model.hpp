#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/ground/errc.hpp"

namespace sb::calls {

// The call model shared by the call actor, the store and the encoders. Times are epoch
// microseconds.

/// A user as a call shows them.
struct call_party {
  std::string user_id;
  std::string name;
  std::optional<std::string> extension;
};

/// Whom a caller dials: a user id, or an extension of the caller's tenant.
struct callee_ref {
  std::string user_id;
  std::string extension;
  std::string matrix_user{};  ///< "@alice:example.org": the user linked to that Matrix id
};

struct call_participant_row {
  call_party who;
  std::string role;    ///< caller | callee
  std::string status;  ///< invited | ringing | joined | left | declined | missed
  bool audio = true;
  bool video = false;
  int64_t invited_at_us = 0;
  std::optional<int64_t> joined_at_us;
  std::optional<int64_t> left_at_us;
};

struct call_row {
  std::string id;
  std::string tenant_id;
  std::string initiator_id;
  std::string media;  ///< audio | video
  std::optional<std::string> room_id;
  std::string state;  ///< initiated | ringing | active | ended | rejected | missed | failed
  std::optional<std::string> end_reason;
  int64_t created_at_us = 0;
  std::optional<int64_t> answered_at_us;
  std::optional<int64_t> ended_at_us;
  std::vector<call_participant_row> participants;

  bool finished() const { return ended_at_us.has_value(); }
  call_participant_row* participant(const std::string& user_id);
  const call_participant_row* participant(const std::string& user_id) const;
};

/// What a participant asks of a call (REST or WebSocket alike).
enum class call_action : uint8_t {
  answer,
  reject,
  end,
  offer,       ///< relay an SDP offer
  answer_sdp,  ///< relay an SDP answer
  ice,         ///< relay an ICE candidate
  media,       ///< audio/video on or off
  status,
};

/// Why a user may not ask `action` of call `c` (nullopt: they may; `status` is then answered
/// with the call as it is). One rule for live calls (the call actor) and finished ones (read
/// from the store): another tenant's call does not exist, a non-participant is forbidden, and
/// a finished call takes nothing but `status`.
struct call_refusal {
  errc code;
  std::string message;
};
std::optional<call_refusal> refusal_for(const call_row* c, const std::string& tenant_id,
                                        const std::string& user_id, call_action action);

/// The wire name of an action ("answer", "answer_sdp", …).
std::string_view action_name(call_action a);

/// "101" (1 to 10 digits) dials an extension, "@alice:example.org" a Matrix user; anything else
/// is a user id.
callee_ref callee_of(std::string_view target);

}  // namespace sb::calls
