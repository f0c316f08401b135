#include "persistence/calls/calls.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kCallColumns =
    "id, tenant_id, initiator_id, media, room_id, state, end_reason, created_at_us, "
    "answered_at_us, ended_at_us";
constexpr const char* kHistoryColumns =
    "id, user_id, call_id, contact_user_id, contact_name, contact_extension, direction, "
    "started_at_us, duration_s, answered, outcome, source";

call_party read_party(const row_reader& in) {
  auto name = in.str("display_name");
  if (name.empty()) name = in.str("first_name") + " " + in.str("last_name");
  return {in.str("id"), name, in.opt_str("extension")};
}

call_party find_party(soci::session& sql, const tenant_scope& scope, const callee_ref& ref) {
  soci::row row;
  // The column that names the callee, and the words that say whom it names.
  auto [column, key, named] =
      !ref.extension.empty()     ? std::tuple("extension", ref.extension, "with extension ")
      : !ref.matrix_user.empty() ? std::tuple("matrix_user_id", ref.matrix_user, "")
                                 : std::tuple("id", ref.user_id, "");
  if (ref.extension.empty() && ref.matrix_user.empty() && !crypto::is_uuid(ref.user_id)) {
    throw store_error(errc::not_found, "no user " + ref.user_id + " in this tenant");
  }
  // One-time queries: one PostgreSQL round trip each (a prepared statement takes three).
  sql << fmt::format(
      "SELECT id, display_name, first_name, last_name, extension, status FROM users WHERE "
      "tenant_id = :t AND deleted_at_us IS NULL AND {} = :k",
      column),
      soci::use(scope.tenant_id()), soci::use(key), soci::into(row);
  if (!sql.got_data()) {
    throw store_error(errc::not_found, fmt::format("no user {}{} in this tenant", named, key));
  }
  row_reader in(row);
  if (in.str("status") != "active") {
    throw store_error(errc::not_found, "user " + key + " cannot take calls (not active)");
  }
  return read_party(in);
}

call_row read_call(const soci::row& r) {
  row_reader in(r);
  call_row c;
  c.id = in.str("id");
  c.tenant_id = in.str("tenant_id");
  c.initiator_id = in.str("initiator_id");
  c.media = in.str("media");
  c.room_id = in.opt_str("room_id");
  c.state = in.str("state");
  c.end_reason = in.opt_str("end_reason");
  c.created_at_us = in.i64("created_at_us");
  c.answered_at_us = in.opt_i64("answered_at_us");
  c.ended_at_us = in.opt_i64("ended_at_us");
  return c;
}

void load_participants(soci::session& sql, call_row& c) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT user_id, display_name, extension, role, status, audio, video, "
                      "invited_at_us, joined_at_us, left_at_us FROM call_participants "
                      "WHERE call_id = :c ORDER BY invited_at_us, role",
       soci::use(c.id));
  for (const auto& r : rows) {
    row_reader in(r);
    call_participant_row p;
    p.who = {in.str("user_id"), in.str("display_name"), in.opt_str("extension")};
    p.role = in.str("role");
    p.status = in.str("status");
    p.audio = in.flag("audio");
    p.video = in.flag("video");
    p.invited_at_us = in.i64("invited_at_us");
    p.joined_at_us = in.opt_i64("joined_at_us");
    p.left_at_us = in.opt_i64("left_at_us");
    c.participants.push_back(std::move(p));
  }
  // The caller first, then callees in the order they were invited.
  std::stable_sort(c.participants.begin(), c.participants.end(), [](const auto& a, const auto& b) {
    return a.role == "caller" && b.role != "caller";
  });
}

std::vector<call_row> select_calls(soci::session& sql, const std::string& where,
                                   const std::string& tenant, const std::string& key) {
  std::vector<call_row> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kCallColumns + " FROM call_sessions " + where,
       soci::use(tenant), soci::use(key));
  for (const auto& r : rows) out.push_back(read_call(r));
  for (auto& c : out) load_participants(sql, c);
  return out;
}

call_history_entry read_history(const soci::row& r) {
  row_reader in(r);
  call_history_entry h;
  h.id = in.str("id");
  h.user_id = in.str("user_id");
  h.call_id = in.opt_str("call_id");
  h.contact_user_id = in.opt_str("contact_user_id");
  h.contact_name = in.str("contact_name");
  h.contact_extension = in.opt_str("contact_extension");
  h.direction = in.str("direction");
  h.started_at_us = in.i64("started_at_us");
  h.duration_s = in.opt_i64("duration_s");
  h.answered = in.flag("answered");
  h.outcome = in.str("outcome");
  h.source = in.str("source");
  return h;
}

/// How a call went for one callee, seen from either side.
std::string outcome_for(const call_row& c, const call_participant_row& callee, bool caller_side) {
  if (callee.joined_at_us) return "answered";
  if (callee.status == "declined") return "rejected";
  if (c.state == "failed") return "failed";
  // The caller hung up while this callee was still ringing.
  if (c.end_reason == "cancelled" && caller_side) return "cancelled";
  return "missed";
}

/// Whole seconds both were in the call, or nullopt when the callee never joined.
std::optional<int64_t> together_s(const call_row& c, const call_participant_row& caller,
                                  const call_participant_row& callee) {
  if (!callee.joined_at_us) return std::nullopt;
  auto end_of = [&](const call_participant_row& p) {
    return p.left_at_us.value_or(c.ended_at_us.value_or(*callee.joined_at_us));
  };
  int64_t from = std::max(caller.joined_at_us.value_or(c.created_at_us), *callee.joined_at_us);
  int64_t to = std::min(end_of(caller), end_of(callee));
  return std::max<int64_t>(0, (to - from + 500'000) / 1'000'000);
}

}  // namespace

std::vector<call_party> resolve_call_parties(soci::session& sql, const tenant_scope& scope,
                                             const std::string& caller_id,
                                             const std::vector<callee_ref>& callees) {
  std::vector<call_party> out{find_party(sql, scope, {caller_id, {}, {}})};
  std::set<std::string> seen{caller_id};
  for (const auto& ref : callees) {
    auto party = find_party(sql, scope, ref);
    if (party.user_id == caller_id)
      throw store_error(errc::bad_request, "a user cannot call themself");
    if (!seen.insert(party.user_id).second) {
      throw store_error(errc::bad_request, "user " + party.user_id + " is dialled twice");
    }
    out.push_back(std::move(party));
  }
  return out;
}

void insert_call(soci::session& sql, const call_row& c) {
  nullable_text room(c.room_id);
  sql << "INSERT INTO call_sessions (id, tenant_id, initiator_id, media, room_id, state, "
         "created_at_us) VALUES (:id, :t, :i, :m, :r, :s, :c)",
      soci::use(c.id), soci::use(c.tenant_id), soci::use(c.initiator_id), soci::use(c.media),
      soci::use(room.value, room.indicator), soci::use(c.state), soci::use(c.created_at_us);
  for (const auto& p : c.participants) {
    nullable_text ext(p.who.extension);
    nullable_i64 joined(p.joined_at_us);
    int audio = p.audio, video = p.video;
    sql << "INSERT INTO call_participants (call_id, user_id, tenant_id, role, status, "
           "display_name, extension, audio, video, invited_at_us, joined_at_us) VALUES "
           "(:c, :u, :t, :r, :s, :n, :x, :a, :v, :i, :j)",
        soci::use(c.id), soci::use(p.who.user_id), soci::use(c.tenant_id), soci::use(p.role),
        soci::use(p.status), soci::use(p.who.name), soci::use(ext.value, ext.indicator),
        soci::use(audio), soci::use(video), soci::use(p.invited_at_us),
        soci::use(joined.value, joined.indicator);
  }
  append_call_event(sql, c, c.initiator_id, "initiated", "{}", c.created_at_us);
}

void save_call(soci::session& sql, const call_row& c) {
  nullable_text reason(c.end_reason);
  nullable_i64 answered(c.answered_at_us), ended(c.ended_at_us);
  sql << "UPDATE call_sessions SET state = :s, end_reason = :r, answered_at_us = :a, "
         "ended_at_us = :e WHERE id = :id AND tenant_id = :t",
      soci::use(c.state), soci::use(reason.value, reason.indicator),
      soci::use(answered.value, answered.indicator), soci::use(ended.value, ended.indicator),
      soci::use(c.id), soci::use(c.tenant_id);
  for (const auto& p : c.participants) {
    nullable_i64 joined(p.joined_at_us), left(p.left_at_us);
    int audio = p.audio, video = p.video;
    sql << "UPDATE call_participants SET status = :s, audio = :a, video = :v, joined_at_us = :j, "
           "left_at_us = :l WHERE call_id = :c AND user_id = :u",
        soci::use(p.status), soci::use(audio), soci::use(video),
        soci::use(joined.value, joined.indicator), soci::use(left.value, left.indicator),
        soci::use(c.id), soci::use(p.who.user_id);
  }
}

void append_call_event(soci::session& sql, const call_row& c,
                       const std::optional<std::string>& user_id, const std::string& type,
                       const std::string& detail, int64_t at_us) {
  nullable_text user(user_id);
  sql << "INSERT INTO call_events (call_id, tenant_id, user_id, type, detail, at_us) VALUES "
         "(:c, :t, :u, :y, :d, :a)",
      soci::use(c.id), soci::use(c.tenant_id), soci::use(user.value, user.indicator),
      soci::use(type), soci::use(detail), soci::use(at_us);
}

namespace {

/// Writes one history row, the node's or a client's.
void insert_history(soci::session& sql, const std::string& tenant_id, const call_history_entry& h) {
  nullable_text call(h.call_id), contact(h.contact_user_id), ext(h.contact_extension);
  nullable_i64 duration(h.duration_s);
  int answered = h.answered;
  sql << "INSERT INTO call_history (id, tenant_id, user_id, call_id, contact_user_id, "
         "contact_name, contact_extension, direction, started_at_us, duration_s, answered, "
         "outcome, source) VALUES (:id, :t, :u, :c, :cu, :cn, :cx, :d, :s, :du, :a, :o, :src)",
      soci::use(h.id), soci::use(tenant_id), soci::use(h.user_id),
      soci::use(call.value, call.indicator), soci::use(contact.value, contact.indicator),
      soci::use(h.contact_name), soci::use(ext.value, ext.indicator), soci::use(h.direction),
      soci::use(h.started_at_us), soci::use(duration.value, duration.indicator),
      soci::use(answered), soci::use(h.outcome), soci::use(h.source);
}

}  // namespace

std::vector<call_history_entry> history_of(const call_row& c) {
  std::vector<call_history_entry> out;
  const call_participant_row* caller = nullptr;
  for (const auto& p : c.participants) {
    if (p.role == "caller") caller = &p;
  }
  if (!caller) return out;
  for (const auto& callee : c.participants) {
    if (&callee == caller) continue;
    auto duration = together_s(c, *caller, callee);
    auto entry = [&](const call_participant_row& self, const call_participant_row& peer,
                     bool outbound) {
      call_history_entry h;
      h.id = crypto::random_uuid();
      h.user_id = self.who.user_id;
      h.call_id = c.id;
      h.contact_user_id = peer.who.user_id;
      h.contact_name = peer.who.name;
      h.contact_extension = peer.who.extension;
      h.direction = outbound ? "outbound" : "inbound";
      h.started_at_us = c.created_at_us;
      h.duration_s = duration;
      h.answered = callee.joined_at_us.has_value();
      h.outcome = outcome_for(c, callee, outbound);
      return h;
    };
    out.push_back(entry(*caller, callee, true));
    out.push_back(entry(callee, *caller, false));
  }
  return out;
}

void finish_call(soci::session& sql, const call_row& c) {
  save_call(sql, c);
  for (const auto& h : history_of(c)) insert_history(sql, c.tenant_id, h);
}

void set_call_member(soci::session& sql, const std::string& call_id, const std::string& member) {
  sql << "UPDATE call_sessions SET member = :m WHERE id = :c", soci::use(member),
      soci::use(call_id);
}

size_t fail_unfinished_calls(soci::session& sql, const std::string& member, int64_t before_us,
                             int64_t now_us) {
  std::vector<call_row> calls;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string("SELECT ") + kCallColumns +
                            " FROM call_sessions WHERE ended_at_us IS NULL AND created_at_us < :b"
                            " AND COALESCE(member, '') = :m",
         soci::use(before_us), soci::use(member));
    for (const auto& r : rows) calls.push_back(read_call(r));
  }
  for (auto& c : calls) {
    load_participants(sql, c);
    // The call ended when the node stopped; we only know it did not end before its last event.
    int64_t last_us = c.created_at_us;
    sql << "SELECT COALESCE(MAX(at_us), 0) FROM call_events WHERE call_id = :c", soci::use(c.id),
        soci::into(last_us);
    last_us = std::max(last_us, c.created_at_us);
    c.state = "failed";
    c.end_reason = "node_restart";
    c.ended_at_us = last_us;
    for (auto& p : c.participants) {
      if (p.status == "joined") {
        p.status = "left";
        p.left_at_us = last_us;
      } else if (p.status == "ringing" || p.status == "invited") {
        p.status = "missed";
      }
    }
    finish_call(sql, c);
    append_call_event(sql, c, std::nullopt, "failed", R"({"reason":"node_restart"})", now_us);
  }
  return calls.size();
}

std::optional<call_row> find_call(soci::session& sql, const tenant_scope& scope,
                                  const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  auto found = select_calls(sql, "WHERE tenant_id = :t AND id = :id", scope.tenant_id(), id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<call_row> live_calls_of(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user_id) {
  return select_calls(sql,
                      "WHERE tenant_id = :t AND ended_at_us IS NULL AND id IN (SELECT call_id "
                      "FROM call_participants WHERE user_id = :u AND status IN "
                      "('invited', 'ringing', 'joined')) ORDER BY created_at_us DESC",
                      scope.tenant_id(), user_id);
}

std::vector<call_event_row> call_events_of(soci::session& sql, const tenant_scope& scope,
                                           const std::string& call_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, user_id, type, detail, at_us FROM call_events WHERE "
                      "tenant_id = :t AND call_id = :c ORDER BY id",
       soci::use(scope.tenant_id()), soci::use(call_id));
  return read_rows(rows, [](const row_reader& in) {
    return call_event_row{in.i64("id"), in.opt_str("user_id"), in.str("type"), in.str("detail"),
                          in.i64("at_us")};
  });
}

call_history_page list_call_history(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user_id, int64_t limit, int64_t offset) {
  filtered_query history("FROM call_history");
  history.where("tenant_id = ?", {scope.tenant_id()}).where("user_id = ?", {user_id});
  call_history_page page;
  page.total = history.count(sql);
  auto rows = history.page(sql, kHistoryColumns, "started_at_us DESC, id", limit, offset);
  for (const auto& r : rows) page.items.push_back(read_history(r));
  return page;
}

call_history_entry add_client_call_history(soci::session& sql, const tenant_scope& scope,
                                           call_history_entry h) {
  h.id = crypto::random_uuid();
  h.call_id.reset();
  h.source = "client";
  insert_history(sql, scope.tenant_id(), h);
  return h;
}

std::optional<call_history_entry> find_call_history(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::row row;
  sql << std::string("SELECT ") + kHistoryColumns +
             " FROM call_history WHERE tenant_id = :t AND id = :id",
      soci::use(scope.tenant_id()), soci::use(id), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return read_history(row);
}

}  // namespace sb::persistence
