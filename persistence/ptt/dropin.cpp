#include "persistence/ptt/dropin.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kAssignedBy = "voiceping-dropin";

const char* kind_name(id_link::kind k) {
  return k == id_link::kind::user ? "user" : "channel";
}

std::optional<std::string> linked(soci::session& sql, const std::string& tenant_id, id_link::kind k,
                                  const external_id& id) {
  std::string internal, kind = kind_name(k);
  soci::indicator ind = soci::i_null;
  sql << "SELECT internal_id FROM voiceping_external_ids WHERE tenant_id = :t AND kind = :k AND "
         "external_id = :e",
      soci::use(tenant_id), soci::use(kind), soci::use(id.text), soci::into(internal, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return internal;
}

id_link link(soci::session& sql, const std::string& tenant_id, id_link::kind k,
             const external_id& id, const std::string& internal) {
  std::string kind = kind_name(k);
  int is_number = id.is_number ? 1 : 0;
  long long now = now_us();
  sql << "INSERT INTO voiceping_external_ids (tenant_id, kind, external_id, is_number, "
         "internal_id, created_at_us) VALUES (:t, :k, :e, :n, :i, :c)",
      soci::use(tenant_id), soci::use(kind), soci::use(id.text), soci::use(is_number),
      soci::use(internal), soci::use(now);
  return {k, id, internal};
}

/// Ours for a foreign channel id, the channel created (and linked) when new. The id of one of
/// the event's own channels names that channel (a token of our own control plane).
std::string channel_of(soci::session& sql, const dropin_scope& scope, const external_id& id,
                       std::vector<id_link>& new_links) {
  if (auto ours = linked(sql, scope.tenant_id, id_link::kind::channel, id)) return *ours;
  if (auto c = find_channel(sql, tenant_scope(scope.tenant_id), id.text);
      c && c->event_id == scope.event_id) {
    return c->id;
  }
  auto c =
      create_channel(sql, tenant_scope(scope.tenant_id), scope.event_id, std::nullopt, id.text);
  new_links.push_back(link(sql, scope.tenant_id, id_link::kind::channel, id, c.id));
  return c.id;
}

std::vector<std::string> heard(soci::session& sql, const dropin_scope& scope,
                               const std::string& user_id) {
  std::vector<std::string> ids;
  for (auto& c : user_event_channels(sql, tenant_scope(scope.tenant_id), scope.event_id, user_id)) {
    ids.push_back(std::move(c.id));
  }
  return ids;
}

}  // namespace

dropin_scope open_dropin_scope(soci::session& sql, const std::string& tenant_name,
                               const std::string& event_name) {
  dropin_scope s;
  s.tenant_id = tenant_named(sql, tenant_name);
  tenant_scope scope(s.tenant_id);
  for (const auto& e : list_events(sql, scope)) {
    if (e.name == event_name) {
      s.event_id = e.id;
      return s;
    }
  }
  // A router holds whatever its issuer names: room for far more than a console's event.
  event_limits limits;
  limits.max_users = 1'000'000;
  limits.max_channels = 100'000;
  s.event_id = create_event(sql, scope, event_name, false, limits, kAssignedBy).id;
  return s;
}

std::vector<id_link> dropin_links(soci::session& sql, const std::string& tenant_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT kind, external_id, is_number, internal_id FROM "
                      "voiceping_external_ids WHERE tenant_id = :t",
       soci::use(tenant_id));
  return read_rows(rows, [](const row_reader& in) {
    auto k = in.str("kind") == "user" ? id_link::kind::user : id_link::kind::channel;
    return id_link{k, {in.str("external_id"), in.flag("is_number")}, in.str("internal_id")};
  });
}

dropin_change admit_dropin_user(soci::session& sql, const dropin_scope& scope,
                                const external_id& user, const std::vector<external_id>& channels) {
  dropin_change out;
  tenant_scope tenant(scope.tenant_id);
  if (auto ours = linked(sql, scope.tenant_id, id_link::kind::user, user)) {
    out.user_id = *ours;
  } else {
    user_record u;
    u.id = crypto::random_uuid();
    u.email = u.id + "@voiceping.invalid";  // unique, and never a login: there is no password
    u.display_name = user.text;
    u.role = "user";
    u.status = "active";
    u.created_by = kAssignedBy;
    out.user_id = create_user(sql, tenant, u).id;
    out.new_links.push_back(link(sql, scope.tenant_id, id_link::kind::user, user, out.user_id));
  }
  if (!find_event_member(sql, tenant, scope.event_id, out.user_id)) {
    assign_user(sql, tenant, scope.event_id, out.user_id, "USER", std::nullopt, std::nullopt,
                kAssignedBy);
  }
  auto ids = heard(sql, scope, out.user_id);
  auto before = ids.size();
  for (const auto& c : channels) {
    auto id = channel_of(sql, scope, c, out.new_links);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.size() != before) {
    out.channels = set_user_channels(sql, tenant, scope.event_id, out.user_id, ids);
  }
  return out;
}

dropin_change set_dropin_membership(soci::session& sql, const dropin_scope& scope,
                                    const std::string& user_id, const external_id& channel,
                                    bool member) {
  dropin_change out;
  out.user_id = user_id;
  if (!member) {
    out.channel = linked(sql, scope.tenant_id, id_link::kind::channel, channel);
    if (!out.channel) return out;
  } else {
    out.channel = channel_of(sql, scope, channel, out.new_links);
  }
  auto ids = heard(sql, scope, user_id);
  auto at = std::find(ids.begin(), ids.end(), *out.channel);
  if (member == (at != ids.end())) return out;
  if (member) {
    ids.push_back(*out.channel);
  } else {
    ids.erase(at);
  }
  out.channels =
      set_user_channels(sql, tenant_scope(scope.tenant_id), scope.event_id, user_id, ids);
  return out;
}

}  // namespace sb::persistence
