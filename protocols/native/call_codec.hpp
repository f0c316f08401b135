#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/domain/calls/call_model.hpp"

namespace sb::native {

// Call signaling in the native envelope (docs/protocol.md, "Calls").

/// {"type":"call.invite","id":…,"to"|"extension":…|"participants":[…],"media":"audio"|"video",
///  "room_id":…,"sdp":…}: place a call; answered with call.ok once it rings (or was missed).
struct call_invite {
  std::string id;
  std::vector<std::string> callees;  ///< user ids or extensions (calls::callee_of)
  std::string media = "audio";
  std::optional<std::string> room_id;  ///< a Matrix room: m.call.* events are sent there
  std::optional<std::string> sdp;      ///< the caller's offer, relayed with call.incoming
};

/// Any other call request: {"type":"call.<action>","id":…,"call_id":…, …}. Signaling carries
/// "sdp" (offer, answer_sdp) or "candidate" (ice) and optionally "to" (one peer); media
/// carries "audio" and/or "video" booleans.
struct call_request {
  std::string id;
  calls::call_action action = calls::call_action::status;
  std::string call_id;
  std::string to;
  std::string payload;  ///< the SDP text, or the candidate object as JSON text
  std::optional<bool> audio;
  std::optional<bool> video;
};

/// {"type":"call.ok","id":…,"call":<call JSON>}: the answer to every call request.
std::string encode_call_ok(std::string_view id, const calls::call_row& c);

// Events to the parties' devices; none carries a request id.

/// {"type":"call.incoming","call_id","from":<party>,"media","room_id","participants":[<party>],
///  "sdp":<the caller's offer>|null}
std::string encode_call_incoming(const calls::call_row& c, const std::optional<std::string>& sdp);
/// {"type":"call.offer"|"call.answer_sdp","call_id","from":<user id>,"sdp"}
std::string encode_call_sdp(calls::call_action a, std::string_view call_id, std::string_view from,
                            std::string_view sdp);
/// {"type":"call.ice","call_id","from","candidate":{candidate, sdpMid, sdpMLineIndex}}
std::string encode_call_ice(std::string_view call_id, std::string_view from,
                            std::string_view candidate_json);
/// {"type":"call.media","call_id","from","audio","video"}
std::string encode_call_media(std::string_view call_id, std::string_view from, bool audio,
                              bool video);
/// {"type":"call.participant_joined"|"call.participant_left","call_id","participant":<party>,
///  "reason":…} (reason only when leaving: hangup, rejected, no_answer, disconnected)
std::string encode_call_participant(bool joined, std::string_view call_id,
                                    const calls::call_party& p, std::string_view reason);
/// {"type":"call.answered_elsewhere","call_id"}: another device of the user took the call.
std::string encode_call_answered_elsewhere(std::string_view call_id);
/// {"type":"call.ended","call_id","state","reason","by":<user id>|null}
std::string encode_call_ended(const calls::call_row& c, const std::optional<std::string>& by);

}  // namespace sb::native
