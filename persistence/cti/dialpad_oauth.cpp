#include "persistence/cti/dialpad_oauth.hpp"

#include <soci/soci.h>

#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kSelect =
    "SELECT app_id, access_token_sealed, refresh_token_sealed, scope, expires_at_us, "
    "connected_at_us, refreshed_at_us, last_error FROM dialpad_connections ";

dialpad_connection read_connection(const soci::row& r) {
  row_reader in(r);
  dialpad_connection c;
  c.app_id = in.str("app_id");
  c.access_token_sealed = in.str("access_token_sealed");
  c.refresh_token_sealed = in.opt_str("refresh_token_sealed");
  c.scope = in.opt_str("scope");
  c.expires_at_us = in.opt_i64("expires_at_us");
  c.connected_at_us = in.i64("connected_at_us");
  c.refreshed_at_us = in.opt_i64("refreshed_at_us");
  c.last_error = in.opt_str("last_error");
  return c;
}

}  // namespace

void save_oauth_state(soci::session& sql, const std::string& state_hash, const std::string& app_id,
                      const std::string& verifier_sealed, int64_t expires_at_us) {
  sql << "INSERT INTO dialpad_oauth_states (state_hash, app_id, verifier_sealed, expires_at_us) "
         "VALUES (:h, :a, :v, :e)",
      soci::use(state_hash), soci::use(app_id), soci::use(verifier_sealed),
      soci::use(expires_at_us);
}

std::optional<oauth_state> take_oauth_state(soci::session& sql, const std::string& state_hash,
                                            int64_t now_us) {
  oauth_state s;
  int64_t expires = 0;
  sql << "SELECT app_id, verifier_sealed, expires_at_us FROM dialpad_oauth_states WHERE "
         "state_hash = :h",
      soci::use(state_hash), soci::into(s.app_id), soci::into(s.verifier_sealed),
      soci::into(expires);
  if (!sql.got_data()) return std::nullopt;
  sql << "DELETE FROM dialpad_oauth_states WHERE state_hash = :h OR expires_at_us < :n",
      soci::use(state_hash), soci::use(now_us);
  if (expires < now_us) return std::nullopt;
  return s;
}

void save_dialpad_tokens(soci::session& sql, const dialpad_connection& c, bool refreshed,
                         int64_t now_us) {
  nullable_text refresh(c.refresh_token_sealed), scope(c.scope);
  int64_t expires = c.expires_at_us.value_or(0);
  soci::indicator expires_ind = c.expires_at_us ? soci::i_ok : soci::i_null;
  if (refreshed) {
    sql << "UPDATE dialpad_connections SET access_token_sealed = :t, refresh_token_sealed = "
           "COALESCE(:r, refresh_token_sealed), scope = COALESCE(:s, scope), expires_at_us = :e, "
           "refreshed_at_us = :n, last_error = NULL, updated_at_us = :n2 WHERE app_id = :a",
        soci::use(c.access_token_sealed), soci::use(refresh.value, refresh.indicator),
        soci::use(scope.value, scope.indicator), soci::use(expires, expires_ind), soci::use(now_us),
        soci::use(now_us), soci::use(c.app_id);
    return;
  }
  sql << "DELETE FROM dialpad_connections WHERE app_id = :a", soci::use(c.app_id);
  sql << "INSERT INTO dialpad_connections (app_id, access_token_sealed, refresh_token_sealed, "
         "scope, expires_at_us, connected_at_us, updated_at_us) VALUES (:a, :t, :r, :s, :e, :n, "
         ":n2)",
      soci::use(c.app_id), soci::use(c.access_token_sealed),
      soci::use(refresh.value, refresh.indicator), soci::use(scope.value, scope.indicator),
      soci::use(expires, expires_ind), soci::use(now_us), soci::use(now_us);
}

std::optional<dialpad_connection> find_dialpad_connection(soci::session& sql,
                                                          const std::string& app_id) {
  soci::rowset<soci::row> rows = (sql.prepare << kSelect << "WHERE app_id = :a", soci::use(app_id));
  for (const auto& r : rows) return read_connection(r);
  return std::nullopt;
}

std::vector<dialpad_connection> connections_to_refresh(soci::session& sql, int64_t before_us) {
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect
                   << "WHERE refresh_token_sealed IS NOT NULL AND expires_at_us IS NOT NULL AND "
                      "expires_at_us < :b ORDER BY expires_at_us",
       soci::use(before_us));
  std::vector<dialpad_connection> out;
  for (const auto& r : rows) out.push_back(read_connection(r));
  return out;
}

void record_refresh_failure(soci::session& sql, const std::string& app_id, const std::string& error,
                            int64_t now_us) {
  std::string message = error.substr(0, 500);
  sql << "UPDATE dialpad_connections SET last_error = :e, updated_at_us = :n WHERE app_id = :a",
      soci::use(message), soci::use(now_us), soci::use(app_id);
}

}  // namespace sb::persistence
