#include "persistence/ptt/test_seed.hpp"

namespace sb::persistence {

test_seed find_test_seed(soci::session& sql, const tenant_scope& scope, const seed_names& names) {
  test_seed s;
  for (auto& e : list_events(sql, scope)) {
    if (e.name != names.event) continue;
    if (!s.event || e.created_at_us < s.event->created_at_us) s.event = std::move(e);
  }
  if (!s.event) return s;
  for (auto& t : list_teams(sql, scope, s.event->id)) {
    if (t.name == names.team && !s.team) s.team = std::move(t);
  }
  if (!s.team) return s;
  for (auto& c : list_channels(sql, scope, s.event->id)) {
    if (c.name == names.channel && c.team_id == s.team->id && !s.channel) s.channel = std::move(c);
  }
  return s;
}

test_seed plant_test_seed(soci::session& sql, const tenant_scope& scope, const seed_names& names,
                          const std::string& created_by, bool& created) {
  auto s = find_test_seed(sql, scope, names);
  created = !s.channel;
  if (!s.event) s.event = create_event(sql, scope, names.event, false, {}, created_by);
  if (!s.team) s.team = create_team(sql, scope, s.event->id, names.team);
  if (!s.channel) s.channel = create_channel(sql, scope, s.event->id, s.team->id, names.channel);
  return s;
}

}  // namespace sb::persistence
