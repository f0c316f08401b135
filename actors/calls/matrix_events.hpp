#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "config/domain/calls/call_model.hpp"
#include "persistence/calls/matrix_outbox.hpp"

namespace sb::matrix {

// The m.call.* events (Matrix client-server spec, VoIP, version "1") a call in a Matrix room
// sends there. Our call id is the Matrix call_id; a participant's party_id is derived from
// their user id. Empty when the call has no room.

/// m.call.invite with the caller's offer; `lifetime` is the ring timeout.
std::optional<persistence::matrix_event> invite(const calls::call_row& c, const std::string& sdp,
                                                std::chrono::milliseconds lifetime);
/// m.call.answer from `user_id`.
std::optional<persistence::matrix_event> answer(const calls::call_row& c,
                                                const std::string& user_id, const std::string& sdp);
/// m.call.candidates with one candidate (JSON object text) from `user_id`.
std::optional<persistence::matrix_event> candidates(const calls::call_row& c,
                                                    const std::string& user_id,
                                                    const std::string& candidate_json);
/// m.call.reject (the callee declined) or m.call.hangup (any other end) for a finished call.
std::optional<persistence::matrix_event> end_of(const calls::call_row& c,
                                                const std::string& by_user_id);

/// A party_id for a user: the user id's first 12 hex digits.
std::string party_id(const std::string& user_id);

}  // namespace sb::matrix
