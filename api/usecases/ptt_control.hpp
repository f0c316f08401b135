#pragma once

#include <soci/session.h>

#include <optional>
#include <string>
#include <vector>

#include "api/effects.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "persistence/ptt/test_seed.hpp"

// The push-to-talk control plane's use cases (docs/api.md, "Events, teams and channels").
// Each runs inside one store transaction: it checks who may act (the dispatcher rule of
// config/domain/ptt/event_rules.hpp, in the same transaction as the change), applies the
// change with its limits (persistence/ptt), and writes its audit row, so the change and its
// audit commit together or not at all. Routes parse, call one of these through the store, and
// render; what the node must do after a commit (talk groups, mail) stays with the route.

namespace sb::api::ptt_cases {

struct event_fields {
  std::optional<std::string> name;
  std::optional<bool> requires_approval;
  std::optional<std::string> limits;  ///< a checked JSON object of limits
};

/// Administrators create events (the route's access says so).
persistence::ptt_event create_event(soci::session& sql, const requester& by,
                                    const event_fields& in);
/// Throws store_error(not_found) for an event of another tenant, or none.
persistence::ptt_event update_event(soci::session& sql, const requester& by,
                                    const std::string& event_id, const event_fields& in);
/// Administrators see every event of the tenant, others those they belong to.
std::vector<persistence::ptt_event> visible_events(soci::session& sql, const principal& who);
/// Managers of the event see all its channels, members their own.
std::vector<persistence::ptt_channel> visible_channels(soci::session& sql, const principal& who,
                                                       const std::string& event_id);

persistence::ptt_team create_team(soci::session& sql, const requester& by,
                                  const std::string& event_id, const std::string& name);
/// Under a team (its event's managers), or directly under the event when `team_id` is empty.
persistence::ptt_channel create_channel(soci::session& sql, const requester& by,
                                        std::optional<std::string> event_id,
                                        const std::optional<std::string>& team_id,
                                        const std::string& name);

struct assignment {
  std::string user_id;
  std::string role;  ///< DISPATCH | USER
  std::optional<std::vector<std::string>> team_ids;
  std::optional<std::vector<std::string>> channel_ids;
};
persistence::channel_change assign_user(soci::session& sql, const requester& by,
                                        const std::string& event_id, const assignment& a);
persistence::channel_change decide_user(soci::session& sql, const requester& by,
                                        const std::string& event_id, const std::string& user_id,
                                        bool approve);
persistence::channel_change set_user_channels(soci::session& sql, const requester& by,
                                              const std::string& event_id,
                                              const std::string& user_id,
                                              const std::vector<std::string>& channel_ids);
persistence::channel_change set_user_teams(soci::session& sql, const requester& by,
                                           const std::string& event_id, const std::string& user_id,
                                           const std::vector<std::string>& team_ids);

struct invite_request {
  std::optional<std::string> team_id;
  std::vector<std::string> channel_ids;
  int64_t minutes = 15;
  int64_t max_uses = 0;  ///< 0 = unlimited
  std::optional<std::string> email;
  std::string web_base_url;  ///< for the link mailed to `email`
};
/// Creates the invite and, when `email` is given, queues its link in the outbox.
persistence::event_invite create_invite(soci::session& sql, const requester& by,
                                        const std::string& event_id, const invite_request& in);
persistence::channel_change join_invite(soci::session& sql, const requester& by,
                                        const std::string& token);

/// The test seed in the requester's tenant: created where missing (`created` says whether
/// anything was), audited.
persistence::test_seed plant_test_seed(soci::session& sql, const requester& by,
                                       const persistence::seed_names& names, bool& created);
/// Deletes the seed's event with everything in it (store_error(not_found) when there is none);
/// returns the channel changes of the users who heard its channels.
std::vector<std::pair<std::string, persistence::channel_change>> remove_test_seed(
    soci::session& sql, const requester& by, const persistence::seed_names& names);

}  // namespace sb::api::ptt_cases
