#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/domain/calls/call_model.hpp"
#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

// Calls: `call_sessions`, `call_participants`, `call_events` (the audit trail) and
// `call_history` (one row per user and peer, written when the call ends). A call actor keeps
// its call as a `calls::call_row` and saves it after every transition.

using calls::call_participant_row;
using calls::call_party;
using calls::call_row;
using calls::callee_ref;

struct call_history_entry {
  std::string id;
  std::string user_id;
  std::optional<std::string> call_id;  ///< none for a call the client reported

  std::optional<std::string> contact_user_id;
  std::string contact_name;
  std::optional<std::string> contact_extension;
  std::string direction;  ///< inbound | outbound
  int64_t started_at_us = 0;
  std::optional<int64_t> duration_s;
  bool answered = false;
  std::string outcome;          ///< answered | missed | rejected | cancelled | failed
  std::string source = "node";  ///< node (a call it signalled) | client (reported by a client)
};

struct call_history_page {
  std::vector<call_history_entry> items;
  int64_t total = 0;
};

struct call_event_row {
  int64_t id = 0;
  std::optional<std::string> user_id;
  std::string type;
  std::string detail;  ///< a JSON object, as text
  int64_t at_us = 0;
};

/// The caller and the callees, resolved in the scope's tenant; throws store_error(not_found)
/// for an unknown, deleted or inactive callee and store_error(bad_request) when the caller
/// dials themself or the same person twice.
std::vector<call_party> resolve_call_parties(soci::session& sql, const tenant_scope& scope,
                                             const std::string& caller_id,
                                             const std::vector<callee_ref>& callees);

/// Inserts a new call, its participants and the "initiated" event.
void insert_call(soci::session& sql, const call_row& c);

/// Writes the call's state and every participant's (after a transition).
void save_call(soci::session& sql, const call_row& c);

/// Appends one audit event; `detail` is a JSON object as text.
void append_call_event(soci::session& sql, const call_row& c,
                       const std::optional<std::string>& user_id, const std::string& type,
                       const std::string& detail, int64_t at_us);

/// Saves a finished call (state, participants) and writes its history rows.
void finish_call(soci::session& sql, const call_row& c);

/// The history rows of a finished call: for every callee, one outbound row for the caller and
/// one inbound row for the callee (answered when the callee joined; duration the time both
/// were in the call).
std::vector<call_history_entry> history_of(const call_row& c);

/// Records which cluster member runs the call (set once, after insert_call).
void set_call_member(soci::session& sql, const std::string& call_id, const std::string& member);

/// Marks every call of `member` ("" on a single node) created before `before_us` and still
/// unfinished (left so by that member's previous run) failed ("node_restart") and writes its
/// history; other members' calls are theirs. Returns how many it finished.
size_t fail_unfinished_calls(soci::session& sql, const std::string& member, int64_t before_us,
                             int64_t now_us);

std::optional<call_row> find_call(soci::session& sql, const tenant_scope& scope,
                                  const std::string& id);
/// Unfinished calls the user takes part in (not declined, missed or left), newest first.
std::vector<call_row> live_calls_of(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user_id);
std::vector<call_event_row> call_events_of(soci::session& sql, const tenant_scope& scope,
                                           const std::string& call_id);

call_history_page list_call_history(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user_id, int64_t limit, int64_t offset);
/// Stores an entry a client reported for a call Switchboard did not signal (source "client",
/// no call id; a fresh id). It sits beside the node's own entries and changes none of them.
call_history_entry add_client_call_history(soci::session& sql, const tenant_scope& scope,
                                           call_history_entry entry);

std::optional<call_history_entry> find_call_history(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id);

}  // namespace sb::persistence
