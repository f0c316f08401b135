#include "persistence/ptt/control_plane.hpp"

#include "config/domain/ptt/event_rules.hpp"

#include <fmt/format.h>
#include <soci/soci.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace json = boost::json;

namespace {

int64_t count(soci::session& sql, const std::string& query, const std::string& a,
              const std::string& b = {}) {
  long long n = 0;
  if (b.empty()) {
    sql << query, soci::use(a), soci::into(n);
  } else {
    sql << query, soci::use(a), soci::use(b), soci::into(n);
  }
  return n;
}

std::vector<ptt_event> read_events(soci::rowset<soci::row>& rows) {
  return read_rows(rows, [](const row_reader& in) {
    return ptt_event{in.str("id"),
                     in.str("tenant_id"),
                     in.str("name"),
                     in.flag("requires_approval"),
                     event_limits::parse(in.str("limits")),
                     in.opt_str("created_by"),
                     in.i64("created_at_us"),
                     in.i64("updated_at_us")};
  });
}

std::vector<ptt_channel> read_channels(soci::rowset<soci::row>& rows) {
  return read_rows(rows, [](const row_reader& in) {
    return ptt_channel{in.str("id"),           in.str("tenant_id"),     in.str("event_id"),
                       in.opt_str("team_id"),  in.opt_str("team_name"), in.str("name"),
                       in.str("type"),         in.i64("sort_order"),    in.i64("created_at_us"),
                       in.i64("updated_at_us")};
  });
}

constexpr const char* kEventColumns =
    "id, tenant_id, name, requires_approval, limits, created_by, created_at_us, updated_at_us";
constexpr const char* kChannelSelect =
    "SELECT c.id, c.tenant_id, c.event_id, c.team_id, t.name AS team_name, c.name, c.type, "
    "c.sort_order, c.created_at_us, c.updated_at_us FROM ptt_channels c "
    "LEFT JOIN ptt_teams t ON t.id = c.team_id ";

ptt_event require_event(soci::session& sql, const tenant_scope& scope, const std::string& id) {
  auto e = find_event(sql, scope, id);
  if (!e) throw store_error(errc::not_found, "no such event");
  return *e;
}

void require_user_in_tenant(soci::session& sql, const tenant_scope& scope,
                            const std::string& user_id) {
  if (!crypto::is_uuid(user_id) ||
      count(sql,
            "SELECT COUNT(*) FROM users WHERE id = :u AND tenant_id = :t AND deleted_at_us IS NULL",
            user_id, scope.tenant_id()) == 0) {
    throw store_error(errc::not_found, "userId: no such user");
  }
}

// Every id must name a channel (or team) of the event; 400 naming the first one that does not.
void require_in_event(soci::session& sql, const std::string& table, const std::string& event_id,
                      const std::vector<std::string>& ids, const std::string& field) {
  for (const auto& id : ids) {
    if (!crypto::is_uuid(id) ||
        count(sql, "SELECT COUNT(*) FROM " + table + " WHERE id = :i AND event_id = :e", id,
              event_id) == 0) {
      throw store_error(errc::bad_request, field + ": " + id + " is not part of this event");
    }
  }
}

std::set<std::string> member_channels(soci::session& sql, const std::string& event_id,
                                      const std::string& user_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.channel_id FROM ptt_channel_members m JOIN ptt_channels c ON "
                      "c.id = m.channel_id WHERE c.event_id = :e AND m.user_id = :u",
       soci::use(event_id), soci::use(user_id));
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(row_reader(r).str("channel_id"));
  return out;
}

// The channels the user hears in the event right now (both memberships ACTIVE).
std::set<std::string> heard_channels(soci::session& sql, const std::string& event_id,
                                     const std::string& user_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.channel_id FROM ptt_channel_members m JOIN ptt_channels c ON "
                      "c.id = m.channel_id JOIN ptt_event_members e ON e.event_id = c.event_id "
                      "AND e.user_id = m.user_id WHERE c.event_id = :e AND m.user_id = :u AND "
                      "m.status = 'ACTIVE' AND e.status = 'ACTIVE'",
       soci::use(event_id), soci::use(user_id));
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(row_reader(r).str("channel_id"));
  return out;
}

channel_change diff(soci::session& sql, const std::string& event_id, const std::string& user_id,
                    const std::set<std::string>& before, const std::set<std::string>& after,
                    std::string status) {
  channel_change c;
  c.status = std::move(status);
  std::string role;
  soci::indicator ind = soci::i_null;
  sql << "SELECT role FROM ptt_event_members WHERE event_id = :e AND user_id = :u",
      soci::use(event_id), soci::use(user_id), soci::into(role, ind);
  c.dispatcher = ind == soci::i_ok && role == "DISPATCH";
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(c.added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(c.removed));
  return c;
}

std::string member_status(soci::session& sql, const std::string& event_id,
                          const std::string& user_id) {
  std::string status;
  soci::indicator ind = soci::i_null;
  sql << "SELECT status FROM ptt_event_members WHERE event_id = :e AND user_id = :u",
      soci::use(event_id), soci::use(user_id), soci::into(status, ind);
  return ind == soci::i_ok ? status : std::string{};
}

void replace_channels(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                      const std::string& user_id, const std::vector<std::string>& channel_ids,
                      const std::string& status) {
  auto existing = member_channels(sql, event_id, user_id);
  std::set<std::string> wanted(channel_ids.begin(), channel_ids.end());
  for (const auto& id : existing) {
    if (!wanted.count(id)) {
      sql << "DELETE FROM ptt_channel_members WHERE channel_id = :c AND user_id = :u",
          soci::use(id), soci::use(user_id);
    }
  }
  std::string tenant = scope.tenant_id();
  for (const auto& id : wanted) {
    if (existing.count(id)) continue;
    sql << "INSERT INTO ptt_channel_members (tenant_id, channel_id, user_id, status) "
           "VALUES (:t, :c, :u, :s)",
        soci::use(tenant), soci::use(id), soci::use(user_id), soci::use(status);
  }
}

}  // namespace

event_limits event_limits::parse(const std::string& text, const event_limits& base) {
  event_limits l = base;
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return l;
  auto& o = v.as_object();
  auto read = [&](const char* name, int64_t& field) {
    if (auto* x = o.if_contains(name); x && x->is_int64()) field = x->as_int64();
  };
  read("maxUsers", l.max_users);
  read("maxTeams", l.max_teams);
  read("maxChannels", l.max_channels);
  read("maxChannelsPerTeam", l.max_channels_per_team);
  read("maxDispatch", l.max_dispatch);
  return l;
}

event_limits event_limits::parse(const std::string& text) {
  return parse(text, event_limits{});
}

std::string event_limits::to_json() const {
  return json::serialize(json::object{{"maxUsers", max_users},
                                      {"maxTeams", max_teams},
                                      {"maxChannels", max_channels},
                                      {"maxChannelsPerTeam", max_channels_per_team},
                                      {"maxDispatch", max_dispatch}});
}

ptt_event create_event(soci::session& sql, const tenant_scope& scope, const std::string& name,
                       bool requires_approval, const event_limits& limits,
                       const std::string& created_by) {
  std::string id = crypto::random_uuid(), tenant = scope.tenant_id(), l = limits.to_json();
  int approval = requires_approval ? 1 : 0;
  long long now = now_us();
  sql << "INSERT INTO ptt_events (id, tenant_id, name, requires_approval, limits, created_by, "
         "created_at_us, updated_at_us) VALUES (:id, :t, :n, :a, :l, :by, :c, :u)",
      soci::use(id), soci::use(tenant), soci::use(name), soci::use(approval), soci::use(l),
      soci::use(created_by), soci::use(now), soci::use(now);
  return require_event(sql, scope, id);
}

ptt_event update_event(soci::session& sql, const tenant_scope& scope, const std::string& id,
                       const std::optional<std::string>& name,
                       const std::optional<bool>& requires_approval,
                       const std::optional<std::string>& limits_patch) {
  auto e = require_event(sql, scope, id);
  std::string n = name.value_or(e.name);
  std::string l =
      limits_patch ? event_limits::parse(*limits_patch, e.limits).to_json() : e.limits.to_json();
  int approval = requires_approval.value_or(e.requires_approval) ? 1 : 0;
  long long now = now_us();
  std::string tenant = scope.tenant_id();
  sql << "UPDATE ptt_events SET name = :n, requires_approval = :a, limits = :l, "
         "updated_at_us = :u WHERE id = :id AND tenant_id = :t",
      soci::use(n), soci::use(approval), soci::use(l), soci::use(now), soci::use(id),
      soci::use(tenant);
  return require_event(sql, scope, id);
}

std::optional<ptt_event> find_event(soci::session& sql, const tenant_scope& scope,
                                    const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kEventColumns
                   << " FROM ptt_events WHERE id = :id AND tenant_id = :t",
       soci::use(id), soci::use(tenant));
  auto list = read_events(rows);
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::vector<ptt_event> list_events(soci::session& sql, const tenant_scope& scope) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kEventColumns
                   << " FROM ptt_events WHERE tenant_id = :t ORDER BY created_at_us, id",
       soci::use(tenant));
  return read_events(rows);
}

std::vector<ptt_event> list_user_events(soci::session& sql, const tenant_scope& scope,
                                        const std::string& user_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT e.id, e.tenant_id, e.name, e.requires_approval, e.limits, "
                      "e.created_by, e.created_at_us, e.updated_at_us FROM ptt_events e JOIN "
                      "ptt_event_members m ON m.event_id = e.id WHERE e.tenant_id = :t AND "
                      "m.user_id = :u ORDER BY e.created_at_us, e.id",
       soci::use(tenant), soci::use(user_id));
  return read_events(rows);
}

ptt_team create_team(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                     const std::string& name) {
  auto e = require_event(sql, scope, event_id);
  if (count(sql, "SELECT COUNT(*) FROM ptt_teams WHERE event_id = :e", event_id) >=
      e.limits.max_teams) {
    throw store_error(errc::limit_reached, "Team limit reached");
  }
  std::string id = crypto::random_uuid(), tenant = scope.tenant_id();
  long long now = now_us();
  sql << "INSERT INTO ptt_teams (id, tenant_id, event_id, name, created_at_us, updated_at_us) "
         "VALUES (:id, :t, :e, :n, :c, :u)",
      soci::use(id), soci::use(tenant), soci::use(event_id), soci::use(name), soci::use(now),
      soci::use(now);
  return *find_team(sql, scope, id);
}

std::optional<ptt_team> find_team(soci::session& sql, const tenant_scope& scope,
                                  const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, event_id, name, sort_order, created_at_us, updated_at_us FROM "
                      "ptt_teams WHERE id = :id AND tenant_id = :t",
       soci::use(id), soci::use(tenant));
  for (const auto& r : rows) {
    row_reader in(r);
    return ptt_team{in.str("id"),         in.str("event_id"),      in.str("name"),
                    in.i64("sort_order"), in.i64("created_at_us"), in.i64("updated_at_us")};
  }
  return std::nullopt;
}

std::vector<ptt_team> list_teams(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, event_id, name, sort_order, created_at_us, updated_at_us FROM "
                      "ptt_teams WHERE event_id = :e AND tenant_id = :t ORDER BY sort_order, "
                      "created_at_us, id",
       soci::use(event_id), soci::use(tenant));
  return read_rows(rows, [](const row_reader& in) {
    return ptt_team{in.str("id"),         in.str("event_id"),      in.str("name"),
                    in.i64("sort_order"), in.i64("created_at_us"), in.i64("updated_at_us")};
  });
}

ptt_channel create_channel(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::optional<std::string>& team_id,
                           const std::string& name) {
  auto e = require_event(sql, scope, event_id);
  if (count(sql, "SELECT COUNT(*) FROM ptt_channels WHERE event_id = :e", event_id) >=
      e.limits.max_channels) {
    throw store_error(errc::limit_reached, "Channel limit reached");
  }
  if (team_id && count(sql, "SELECT COUNT(*) FROM ptt_channels WHERE team_id = :t", *team_id) >=
                     e.limits.max_channels_per_team) {
    throw store_error(errc::limit_reached, "Team channel limit reached");
  }
  std::string id = crypto::random_uuid(), tenant = scope.tenant_id();
  std::string type = team_id ? "TEAM" : "EVENT_ADMIN";
  nullable_text team(team_id);
  long long now = now_us();
  sql << "INSERT INTO ptt_channels (id, tenant_id, event_id, team_id, name, type, "
         "created_at_us, updated_at_us) VALUES (:id, :t, :e, :tm, :n, :ty, :c, :u)",
      soci::use(id), soci::use(tenant), soci::use(event_id), soci::use(team.value, team.indicator),
      soci::use(name), soci::use(type), soci::use(now), soci::use(now);
  return *find_channel(sql, scope, id);
}

std::optional<ptt_channel> find_channel(soci::session& sql, const tenant_scope& scope,
                                        const std::string& id) {
  auto c = find_channel_any_tenant(sql, id);
  if (!c || c->tenant_id != scope.tenant_id()) return std::nullopt;
  return c;
}

std::optional<ptt_channel> find_channel_any_tenant(soci::session& sql, const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::rowset<soci::row> rows =
      (sql.prepare << kChannelSelect << "WHERE c.id = :id", soci::use(id));
  auto list = read_channels(rows);
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::vector<ptt_channel> list_channels(soci::session& sql, const tenant_scope& scope,
                                       const std::string& event_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << kChannelSelect
                   << "WHERE c.event_id = :e AND c.tenant_id = :t ORDER BY c.sort_order, "
                      "c.created_at_us, c.id",
       soci::use(event_id), soci::use(tenant));
  return read_channels(rows);
}

namespace {

constexpr const char* kMemberSelect =
    "SELECT m.user_id, u.email, u.display_name, m.role, m.status FROM ptt_event_members m JOIN "
    "users u ON u.id = m.user_id WHERE m.event_id = :e AND m.tenant_id = :t ";

event_member read_member(const soci::row& r) {
  row_reader in(r);
  return {in.str("user_id"), in.str("email"), in.str("display_name"), in.str("role"),
          in.str("status")};
}

}  // namespace

bool is_event_dispatcher(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                         const std::string& user_id) {
  auto m = find_event_member(sql, scope, event_id, user_id);
  return m && ptt::dispatches(m->role, m->status);
}

std::optional<event_member> find_event_member(soci::session& sql, const tenant_scope& scope,
                                              const std::string& event_id,
                                              const std::string& user_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows = (sql.prepare << kMemberSelect << "AND m.user_id = :u",
                                  soci::use(event_id), soci::use(tenant), soci::use(user_id));
  for (const auto& r : rows) return read_member(r);
  return std::nullopt;
}

std::vector<event_member> list_event_members(soci::session& sql, const tenant_scope& scope,
                                             const std::string& event_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << kMemberSelect << "ORDER BY u.email", soci::use(event_id), soci::use(tenant));
  std::vector<event_member> out;
  for (const auto& r : rows) out.push_back(read_member(r));
  return out;
}

channel_change assign_user(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::string& user_id,
                           const std::string& role,
                           const std::optional<std::vector<std::string>>& team_ids,
                           const std::optional<std::vector<std::string>>& channel_ids,
                           const std::string& assigned_by) {
  auto e = require_event(sql, scope, event_id);
  require_user_in_tenant(sql, scope, user_id);
  if (team_ids) require_in_event(sql, "ptt_teams", event_id, *team_ids, "teamIds");
  if (channel_ids) require_in_event(sql, "ptt_channels", event_id, *channel_ids, "channelIds");
  auto before = heard_channels(sql, event_id, user_id);
  auto status = member_status(sql, event_id, user_id);
  auto current = find_event_member(sql, scope, event_id, user_id);
  if (!current && count(sql, "SELECT COUNT(*) FROM ptt_event_members WHERE event_id = :e",
                        event_id) >= e.limits.max_users) {
    throw store_error(errc::limit_reached, "User limit reached");
  }
  if (role == "DISPATCH" && (!current || current->role != "DISPATCH") &&
      count(sql, "SELECT COUNT(*) FROM ptt_event_members WHERE event_id = :e AND role = 'DISPATCH'",
            event_id) >= e.limits.max_dispatch) {
    throw store_error(errc::limit_reached, "Dispatch limit reached");
  }
  if (status.empty()) status = e.requires_approval ? "PENDING" : "ACTIVE";
  std::string tenant = scope.tenant_id();
  long long now = now_us();
  sql << "INSERT INTO ptt_event_members (tenant_id, event_id, user_id, role, status, assigned_by, "
         "created_at_us, updated_at_us) VALUES (:t, :e, :u, :r, :s, :by, :c, :up) ON CONFLICT "
         "(event_id, user_id) DO UPDATE SET role = excluded.role, assigned_by = "
         "excluded.assigned_by, updated_at_us = excluded.updated_at_us",
      soci::use(tenant), soci::use(event_id), soci::use(user_id), soci::use(role),
      soci::use(status), soci::use(assigned_by), soci::use(now), soci::use(now);
  if (team_ids) set_user_teams(sql, scope, event_id, user_id, *team_ids);
  if (channel_ids) replace_channels(sql, scope, event_id, user_id, *channel_ids, status);
  return diff(sql, event_id, user_id, before, heard_channels(sql, event_id, user_id), status);
}

channel_change decide_user(soci::session& sql, const tenant_scope& scope,
                           const std::string& event_id, const std::string& user_id, bool approve,
                           const std::string& decided_by) {
  require_event(sql, scope, event_id);
  if (!find_event_member(sql, scope, event_id, user_id)) {
    throw store_error(errc::not_found, "the user is not a member of this event");
  }
  auto before = heard_channels(sql, event_id, user_id);
  std::string status = approve ? "ACTIVE" : "REJECTED";
  long long now = now_us();
  sql << "UPDATE ptt_event_members SET status = :s, approved_by = :by, updated_at_us = :u WHERE "
         "event_id = :e AND user_id = :id",
      soci::use(status), soci::use(decided_by), soci::use(now), soci::use(event_id),
      soci::use(user_id);
  sql << "UPDATE ptt_team_members SET status = :s WHERE user_id = :u AND team_id IN (SELECT id "
         "FROM ptt_teams WHERE event_id = :e)",
      soci::use(status), soci::use(user_id), soci::use(event_id);
  sql << "UPDATE ptt_channel_members SET status = :s WHERE user_id = :u AND channel_id IN "
         "(SELECT id FROM ptt_channels WHERE event_id = :e)",
      soci::use(status), soci::use(user_id), soci::use(event_id);
  return diff(sql, event_id, user_id, before, heard_channels(sql, event_id, user_id), status);
}

std::vector<std::pair<std::string, channel_change>> delete_event(soci::session& sql,
                                                                 const tenant_scope& scope,
                                                                 const std::string& event_id) {
  require_event(sql, scope, event_id);
  std::vector<std::pair<std::string, channel_change>> changes;
  for (const auto& m : list_event_members(sql, scope, event_id)) {
    auto heard = heard_channels(sql, event_id, m.user_id);
    if (heard.empty()) continue;
    channel_change c;
    c.status = m.status;
    c.removed.assign(heard.begin(), heard.end());
    changes.emplace_back(m.user_id, std::move(c));
  }
  std::string tenant = scope.tenant_id();
  sql << "DELETE FROM chat_conversations WHERE tenant_id = :t AND kind = 'channel' AND id IN "
         "(SELECT id FROM ptt_channels WHERE event_id = :e)",
      soci::use(tenant), soci::use(event_id);
  // Children first: PostgreSQL cascades, SQLite only with foreign keys on for the connection;
  // naming every table keeps both the same.
  sql << "DELETE FROM ptt_channel_members WHERE channel_id IN (SELECT id FROM ptt_channels WHERE "
         "event_id = :e)",
      soci::use(event_id);
  sql << "DELETE FROM ptt_team_members WHERE team_id IN (SELECT id FROM ptt_teams WHERE "
         "event_id = :e)",
      soci::use(event_id);
  for (const char* table : {"ptt_channels", "ptt_teams", "ptt_event_members", "ptt_invites"}) {
    sql << fmt::format("DELETE FROM {} WHERE event_id = :e", table), soci::use(event_id);
  }
  sql << "DELETE FROM ptt_events WHERE id = :e AND tenant_id = :t", soci::use(event_id),
      soci::use(tenant);
  return changes;
}

channel_change set_user_channels(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id, const std::string& user_id,
                                 const std::vector<std::string>& channel_ids) {
  require_event(sql, scope, event_id);
  auto status = member_status(sql, event_id, user_id);
  if (status.empty()) throw store_error(errc::not_found, "the user is not a member of this event");
  require_in_event(sql, "ptt_channels", event_id, channel_ids, "channelIds");
  auto before = heard_channels(sql, event_id, user_id);
  replace_channels(sql, scope, event_id, user_id, channel_ids, status);
  return diff(sql, event_id, user_id, before, heard_channels(sql, event_id, user_id), status);
}

void set_user_teams(soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                    const std::string& user_id, const std::vector<std::string>& team_ids) {
  auto status = member_status(sql, event_id, user_id);
  if (status.empty()) throw store_error(errc::not_found, "the user is not a member of this event");
  require_in_event(sql, "ptt_teams", event_id, team_ids, "teamIds");
  sql << "DELETE FROM ptt_team_members WHERE user_id = :u AND team_id IN (SELECT id FROM "
         "ptt_teams WHERE event_id = :e)",
      soci::use(user_id), soci::use(event_id);
  std::string tenant = scope.tenant_id();
  for (const auto& id : std::set<std::string>(team_ids.begin(), team_ids.end())) {
    sql << "INSERT INTO ptt_team_members (tenant_id, team_id, user_id, status) VALUES (:t, :tm, "
           ":u, :s)",
        soci::use(tenant), soci::use(id), soci::use(user_id), soci::use(status);
  }
}

std::vector<std::string> channel_listeners(soci::session& sql, const tenant_scope& scope,
                                           const std::string& channel_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.user_id FROM ptt_channel_members m JOIN ptt_channels c ON c.id = "
                      "m.channel_id JOIN ptt_event_members e ON e.event_id = c.event_id AND "
                      "e.user_id = m.user_id WHERE m.channel_id = :c AND c.tenant_id = :t AND "
                      "m.status = 'ACTIVE' AND e.status = 'ACTIVE'",
       soci::use(channel_id), soci::use(tenant));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(row_reader(r).str("user_id"));
  return out;
}

std::vector<heard_channel> user_channels(soci::session& sql, const tenant_scope& scope,
                                         const std::string& user_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.channel_id, c.event_id, e.role FROM ptt_channel_members m JOIN "
                      "ptt_channels c ON c.id = m.channel_id JOIN ptt_event_members e ON "
                      "e.event_id = c.event_id AND e.user_id = m.user_id WHERE m.user_id = :u AND "
                      "c.tenant_id = :t AND m.status = 'ACTIVE' AND e.status = 'ACTIVE'",
       soci::use(user_id), soci::use(tenant));
  return read_rows(rows, [](const row_reader& in) {
    return heard_channel{in.str("channel_id"), in.str("event_id"), in.str("role") == "DISPATCH"};
  });
}

bool is_channel_listener(soci::session& sql, const tenant_scope& scope,
                         const std::string& channel_id, const std::string& user_id) {
  for (const auto& c : user_channels(sql, scope, user_id)) {
    if (c.channel_id == channel_id) return true;
  }
  return false;
}

std::vector<ptt_channel> user_event_channels(soci::session& sql, const tenant_scope& scope,
                                             const std::string& event_id,
                                             const std::string& user_id) {
  auto heard = heard_channels(sql, event_id, user_id);
  std::vector<ptt_channel> out;
  for (auto& c : list_channels(sql, scope, event_id)) {
    if (heard.count(c.id)) out.push_back(std::move(c));
  }
  return out;
}

std::map<std::string, int64_t> team_member_counts(soci::session& sql, const tenant_scope& scope,
                                                  const std::string& event_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.team_id, COUNT(*) AS n FROM ptt_team_members m JOIN ptt_teams t "
                      "ON t.id = m.team_id WHERE t.event_id = :e AND t.tenant_id = :t AND "
                      "m.status = 'ACTIVE' GROUP BY m.team_id",
       soci::use(event_id), soci::use(tenant));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[row_reader(r).str("team_id")] = row_reader(r).i64("n");
  return out;
}

std::map<std::string, int64_t> channel_member_counts(soci::session& sql, const tenant_scope& scope,
                                                     const std::string& event_id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT m.channel_id, COUNT(*) AS n FROM ptt_channel_members m JOIN "
                      "ptt_channels c ON c.id = m.channel_id WHERE c.event_id = :e AND "
                      "c.tenant_id = :t AND m.status = 'ACTIVE' GROUP BY m.channel_id",
       soci::use(event_id), soci::use(tenant));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[row_reader(r).str("channel_id")] = row_reader(r).i64("n");
  return out;
}

event_invite create_event_invite(soci::session& sql, const tenant_scope& scope,
                                 const std::string& event_id,
                                 const std::optional<std::string>& team_id,
                                 const std::vector<std::string>& channel_ids, int64_t ttl_us,
                                 int64_t max_uses, const std::string& created_by) {
  require_event(sql, scope, event_id);
  if (team_id) require_in_event(sql, "ptt_teams", event_id, {*team_id}, "teamId");
  require_in_event(sql, "ptt_channels", event_id, channel_ids, "channelIds");
  event_invite out;
  out.token = crypto::random_hex(16);  // the seed's 32 hex characters
  out.expires_at_us = now_us() + ttl_us;
  json::array channels;
  for (const auto& c : channel_ids) channels.push_back(json::value(c));
  std::string id = crypto::random_uuid(), tenant = scope.tenant_id(),
              hash = crypto::sha256_hex(out.token), list = json::serialize(channels);
  nullable_text team(team_id);
  long long expires = out.expires_at_us, uses = max_uses, now = now_us();
  sql << "INSERT INTO ptt_invites (id, tenant_id, event_id, team_id, default_channels, "
         "token_hash, expires_at_us, max_uses, created_by, created_at_us) VALUES (:id, :t, :e, "
         ":tm, :ch, :h, :x, :m, :by, :c)",
      soci::use(id), soci::use(tenant), soci::use(event_id), soci::use(team.value, team.indicator),
      soci::use(list), soci::use(hash), soci::use(expires), soci::use(uses), soci::use(created_by),
      soci::use(now);
  return out;
}

channel_change join_event_invite(soci::session& sql, const tenant_scope& scope,
                                 const std::string& token, const std::string& user_id) {
  std::string hash = crypto::sha256_hex(token), tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, event_id, team_id, default_channels, expires_at_us FROM "
                      "ptt_invites WHERE token_hash = :h AND tenant_id = :t",
       soci::use(hash), soci::use(tenant));
  std::string id, event_id, channels_json;
  std::optional<std::string> team;
  int64_t expires = 0;
  bool any = false;
  for (const auto& r : rows) {
    row_reader in(r);
    id = in.str("id");
    event_id = in.str("event_id");
    team = in.opt_str("team_id");
    channels_json = in.str("default_channels");
    expires = in.i64("expires_at_us");
    any = true;
  }
  if (!any) throw store_error(errc::not_found, "no such invite");
  if (expires <= now_us()) throw store_error(errc::invite_invalid, "Invite expired");
  soci::statement use_it = (sql.prepare << "UPDATE ptt_invites SET used_count = used_count + 1 "
                                           "WHERE id = :id AND (max_uses = 0 OR used_count < "
                                           "max_uses)",
                            soci::use(id));
  use_it.execute(true);
  if (use_it.get_affected_rows() != 1) throw store_error(errc::invite_invalid, "Invite used up");
  std::vector<std::string> channels;
  json::error_code ec;
  auto parsed = json::parse(channels_json, ec);
  if (!ec && parsed.is_array()) {
    for (const auto& c : parsed.as_array()) {
      if (c.is_string()) channels.emplace_back(c.as_string());
    }
  }
  // Keep what the user already has in the event; add the invite's team and channels.
  for (const auto& c : member_channels(sql, event_id, user_id)) channels.push_back(c);
  std::optional<std::vector<std::string>> teams;
  if (team) {
    teams.emplace();
    soci::rowset<soci::row> current =
        (sql.prepare << "SELECT m.team_id FROM ptt_team_members m JOIN ptt_teams t ON t.id = "
                        "m.team_id WHERE t.event_id = :e AND m.user_id = :u",
         soci::use(event_id), soci::use(user_id));
    for (const auto& r : current) teams->push_back(row_reader(r).str("team_id"));
    teams->push_back(*team);
  }
  std::string role = "USER";
  if (auto current = find_event_member(sql, scope, event_id, user_id)) role = current->role;
  return assign_user(sql, scope, event_id, user_id, role, teams, channels, "invite:" + id);
}

}  // namespace sb::persistence
