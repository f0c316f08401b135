#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

// The push-to-talk control plane of the VoicePing seed: events contain teams and channels (a
// channel is a talk group); users join events with a role (DISPATCH or USER), and teams and
// channels with a status (PENDING, ACTIVE, REJECTED). A user hears a channel when both the
// channel membership and the event membership are ACTIVE.

/// Per-event limits; stored as JSON, unset fields take these defaults (the seed's).
struct event_limits {
  int64_t max_users = 1000;
  int64_t max_teams = 100;
  int64_t max_channels = 200;
  int64_t max_channels_per_team = 50;
  int64_t max_dispatch = 20;

  /// The limits of a JSON object, over `base` (or the defaults) for the fields it does not
  /// name.
  static event_limits parse(const std::string& json, const event_limits& base);
  static event_limits parse(const std::string& json);
  std::string to_json() const;
};

struct ptt_event {
  std::string id;
  std::string tenant_id;
  std::string name;
  bool requires_approval = false;
  event_limits limits;
  std::optional<std::string> created_by;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct ptt_team {
  std::string id;
  std::string event_id;
  std::string name;
  int64_t sort_order = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct ptt_channel {
  std::string id;
  std::string tenant_id;
  std::string event_id;
  std::optional<std::string> team_id;
  std::optional<std::string> team_name;
  std::string name;
  std::string type;  ///< TEAM or EVENT_ADMIN
  int64_t sort_order = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct event_member {
  std::string user_id;
  std::string email;
  std::string display_name;
  std::string role;    ///< DISPATCH or USER
  std::string status;  ///< PENDING, ACTIVE, REJECTED
};

/// Whether `user` dispatches in the event (ptt::dispatches on their membership).
bool is_event_dispatcher(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                         const std::string& user_id);

/// Channel membership before and after a change, for telling the live talk groups.
struct channel_change {
  std::string status;       ///< the user's event membership status afterwards
  bool dispatcher = false;  ///< the user's role in the event is DISPATCH
  std::vector<std::string> added;
  std::vector<std::string> removed;
};

ptt_event create_event(soci::session& sql, const tenant_scope& scope, const std::string& name,
                       bool requires_approval, const event_limits& limits,
                       const std::string& created_by);
/// `limits_patch`: a JSON object of the limits to change; the others stay. Throws
/// store_error(not_found).
ptt_event update_event(soci::session& sql, const tenant_scope& scope, const std::string& id,
                       const std::optional<std::string>& name,
                       const std::optional<bool>& requires_approval,
                       const std::optional<std::string>& limits_patch);
std::optional<ptt_event> find_event(soci::session& sql, const tenant_scope& scope,
                                    const std::string& id);
std::vector<ptt_event> list_events(soci::session& sql, const tenant_scope& scope);
/// The events the user has a membership in (any status).
std::vector<ptt_event> list_user_events(soci::session& sql, const tenant_scope& scope,
                                        const std::string& user_id);

/// Throws store_error(not_found) for an unknown event, store_error(bad_request) at the limit.
ptt_team create_team(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                     const std::string& name);
std::optional<ptt_team> find_team(soci::session& sql, const tenant_scope& scope,
                                  const std::string& id);
std::vector<ptt_team> list_teams(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id);

/// A TEAM channel when `team_id` is set, else an EVENT_ADMIN channel. Enforces max_channels
/// and max_channels_per_team (store_error(bad_request)).
ptt_channel create_channel(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::optional<std::string>& team_id,
                           const std::string& name);
std::optional<ptt_channel> find_channel(soci::session& sql, const tenant_scope& scope,
                                        const std::string& id);
/// For activating a talk group from its id alone (the group learns its tenant here).
std::optional<ptt_channel> find_channel_any_tenant(soci::session& sql, const std::string& id);
std::vector<ptt_channel> list_channels(soci::session& sql, const tenant_scope& scope,
                                       const std::string& event_id);

std::optional<event_member> find_event_member(soci::session& sql, const tenant_scope& scope,
                                              const std::string& event_id,
                                              const std::string& user_id);
std::vector<event_member> list_event_members(soci::session& sql, const tenant_scope& scope,
                                             const std::string& event_id);

/// Adds or updates a user's event membership with a role, and replaces their teams and
/// channels when given (nullopt keeps them). New memberships are PENDING when the event
/// requires approval, else ACTIVE; an existing one keeps its status. Enforces max_users and
/// max_dispatch; teams and channels must be the event's.
channel_change assign_user(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::string& user_id,
                           const std::string& role,
                           const std::optional<std::vector<std::string>>& team_ids,
                           const std::optional<std::vector<std::string>>& channel_ids,
                           const std::string& assigned_by);
/// Makes the user's event, team and channel memberships ACTIVE (or REJECTED).
channel_change decide_user(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::string& user_id, bool approve,
                           const std::string& decided_by);
/// Replaces the user's channels (or teams) in the event.
channel_change set_user_channels(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id, const std::string& user_id,
                                 const std::vector<std::string>& channel_ids);
void set_user_teams(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                    const std::string& user_id, const std::vector<std::string>& team_ids);

/// Deletes the event with its teams, channels, memberships, invites and the channels'
/// conversations (recordings and talk messages stay, under their retention). Returns, for each
/// user who heard a channel of it, the change to tell the live groups and sessions. Throws
/// store_error(not_found).
std::vector<std::pair<std::string, channel_change>> delete_event(soci::session& sql,
                                                                 const tenant_scope& scope,
                                                                 const std::string& event_id);

/// Users who hear the channel: ACTIVE in the channel and in its event.
std::vector<std::string> channel_listeners(soci::session& sql, const tenant_scope& scope,
                                           const std::string& channel_id);
/// A channel a user hears, and whether they are a dispatcher in its event.
struct heard_channel {
  std::string channel_id;
  std::string event_id;
  bool dispatcher = false;
};

/// The channels a user hears, in every event of the tenant.
std::vector<heard_channel> user_channels(soci::session& sql, const tenant_scope& scope,
                                         const std::string& user_id);

/// Whether the user hears the channel right now.
bool is_channel_listener(soci::session& sql, const tenant_scope& scope,
                         const std::string& channel_id, const std::string& user_id);
/// The user's channels in one event ("id" and "name"), for router tokens.
std::vector<ptt_channel> user_event_channels(soci::session& sql, const tenant_scope& scope,
                                             const std::string& event_id,
                                             const std::string& user_id);

/// Member counts per team and per channel (ACTIVE memberships), for the overview.
std::map<std::string, int64_t> team_member_counts(soci::session& sql, const tenant_scope& scope,
                                                  const std::string& event_id);
std::map<std::string, int64_t> channel_member_counts(soci::session& sql, const tenant_scope& scope,
                                                     const std::string& event_id);

struct event_invite {
  std::string token;  ///< 32 hex characters, shown once
  int64_t expires_at_us = 0;
};

event_invite create_event_invite(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id,
                                 const std::optional<std::string>& team_id,
                                 const std::vector<std::string>& channel_ids, int64_t ttl_us,
                                 int64_t max_uses, const std::string& created_by);

/// Joins the invite's event as a USER (with its team and default channels). Throws
/// store_error(bad_request) "Invite expired" / "Invite used up", store_error(not_found) for an
/// unknown token or one of another tenant.
channel_change join_event_invite(soci::session& sql, const tenant_scope& scope,
                                 const std::string& token, const std::string& user_id);

}  // namespace sb::persistence
