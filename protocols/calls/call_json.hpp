#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "config/domain/calls/call_model.hpp"

namespace sb::calls {

/// {"user_id","name","extension"}
boost::json::object party_json(const call_party& p);

/// A call as REST and WebSocket clients see it (docs/api.md, "Calls"): id, state, media,
/// room, reason, times (ISO 8601), duration and participants with their media state.
boost::json::object call_json(const call_row& c);

/// An ICE candidate (RTCIceCandidateInit: "candidate" string, optional "sdpMid",
/// "sdpMLineIndex", "usernameFragment") as compact JSON, or nullopt when `v` is not one.
std::optional<std::string> candidate_json(const boost::json::value& v);

}  // namespace sb::calls
