#include "persistence/identity/apps.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, tenant_id, name, is_active, webhook_secret, api_key_hint, api_key_rotated_at_us, "
    "created_at_us, updated_at_us";

std::vector<app_record> read_apps(soci::rowset<soci::row>& rows) {
  std::vector<app_record> out;
  for (const auto& r : rows) {
    row_reader in(r);
    app_record a;
    a.id = in.str("id");
    a.tenant_id = in.str("tenant_id");
    a.name = in.str("name");
    a.is_active = in.flag("is_active");
    a.webhook_secret_set = in.opt_str("webhook_secret").has_value();
    a.api_key_hint = in.opt_str("api_key_hint");
    a.api_key_rotated_at_us = in.opt_i64("api_key_rotated_at_us");
    a.created_at_us = in.i64("created_at_us");
    a.updated_at_us = in.i64("updated_at_us");
    out.push_back(std::move(a));
  }
  return out;
}

void audit_key(soci::session& sql, const app_record& app, const std::string& action,
               const std::optional<std::string>& old_hint,
               const std::optional<std::string>& new_hint, std::optional<int64_t> grace) {
  std::string id = crypto::random_uuid();
  nullable_text old_h(old_hint), new_h(new_hint);
  long long grace_value = grace.value_or(0);
  soci::indicator grace_ind = grace ? soci::i_ok : soci::i_null;
  long long at = now_us();
  sql << "INSERT INTO api_key_audit (id, app_id, tenant_id, action, old_key_hint, new_key_hint, "
         "grace_seconds, performed_at_us) VALUES (:id, :a, :t, :act, :o, :n, :g, :at)",
      soci::use(id), soci::use(app.id), soci::use(app.tenant_id), soci::use(action),
      soci::use(old_h.value, old_h.indicator), soci::use(new_h.value, new_h.indicator),
      soci::use(grace_value, grace_ind), soci::use(at);
}

}  // namespace

std::string generate_api_key() {
  return "app_" + crypto::random_hex(32);
}

std::string key_hint(const std::string& key) {
  if (key.size() < 12) return "...";
  return key.substr(0, 8) + "..." + key.substr(key.size() - 4);
}

app_record create_app(soci::session& sql, const std::string& tenant_id, const std::string& name) {
  std::string id = crypto::random_uuid();
  long long at = now_us();
  sql << "INSERT INTO apps (id, tenant_id, name, is_active, created_at_us, updated_at_us) "
         "VALUES (:id, :t, :n, 1, :c, :u)",
      soci::use(id), soci::use(tenant_id), soci::use(name), soci::use(at), soci::use(at);
  return require_app(sql, id);
}

std::optional<app_record> find_app(soci::session& sql, const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kColumns << " FROM apps WHERE id = :id", soci::use(id));
  auto list = read_apps(rows);
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::vector<app_record> list_apps(soci::session& sql) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kColumns << " FROM apps ORDER BY created_at_us, id");
  return read_apps(rows);
}

app_record require_app(soci::session& sql, const std::string& id) {
  auto app = find_app(sql, id);
  if (!app) throw store_error(errc::not_found, "no such app");
  return *app;
}

std::optional<std::string> app_webhook_secret(soci::session& sql, const std::string& id) {
  std::string secret;
  soci::indicator ind = soci::i_null;
  sql << "SELECT webhook_secret FROM apps WHERE id = :id", soci::use(id), soci::into(secret, ind);
  if (ind != soci::i_ok || secret.empty()) return std::nullopt;
  return secret;
}

app_record update_app(soci::session& sql, const std::string& id,
                      const std::optional<std::string>& name, const std::optional<bool>& is_active,
                      const std::optional<std::optional<std::string>>& webhook_secret) {
  auto app = require_app(sql, id);
  long long at = now_us();
  if (name) {
    sql << "UPDATE apps SET name = :n, updated_at_us = :u WHERE id = :id", soci::use(*name),
        soci::use(at), soci::use(id);
  }
  if (is_active) {
    int active = *is_active ? 1 : 0;
    sql << "UPDATE apps SET is_active = :a, updated_at_us = :u WHERE id = :id", soci::use(active),
        soci::use(at), soci::use(id);
  }
  if (webhook_secret) {
    nullable_text secret(*webhook_secret);
    sql << "UPDATE apps SET webhook_secret = :s, updated_at_us = :u WHERE id = :id",
        soci::use(secret.value, secret.indicator), soci::use(at), soci::use(id);
  }
  return require_app(sql, id);
}

issued_key issue_api_key(soci::session& sql, const std::string& app_id, int64_t grace_seconds) {
  auto app = require_app(sql, app_id);
  std::optional<std::string> previous;
  {
    std::string old;
    soci::indicator ind = soci::i_null;
    sql << "SELECT api_key_hash FROM apps WHERE id = :id", soci::use(app_id), soci::into(old, ind);
    if (ind == soci::i_ok) previous = old;
  }
  std::string key = generate_api_key();
  std::string hash = crypto::sha256_hex(key);
  std::string hint = key_hint(key);
  long long at = now_us();
  bool rotating = app.api_key_hint.has_value();
  if (rotating && grace_seconds > 0) {
    long long until = at + grace_seconds * 1'000'000;
    sql << "UPDATE apps SET previous_key_hash = api_key_hash, previous_key_expires_at_us = :e "
           "WHERE id = :id",
        soci::use(until), soci::use(app_id);
  } else {
    sql << "UPDATE apps SET previous_key_hash = NULL, previous_key_expires_at_us = NULL "
           "WHERE id = :id",
        soci::use(app_id);
  }
  sql << "UPDATE apps SET api_key_hash = :h, api_key_hint = :hint, api_key_rotated_at_us = :r, "
         "updated_at_us = :u WHERE id = :id",
      soci::use(hash), soci::use(hint), soci::use(at), soci::use(at), soci::use(app_id);
  audit_key(sql, app, rotating ? "rotated" : "created", app.api_key_hint, hint,
            rotating && grace_seconds > 0 ? std::optional<int64_t>(grace_seconds) : std::nullopt);
  return {key, require_app(sql, app_id), previous};
}

void revoke_api_key(soci::session& sql, const std::string& app_id) {
  auto app = require_app(sql, app_id);
  if (!app.api_key_hint) throw store_error(errc::not_found, "the app has no API key");
  long long at = now_us();
  sql << "UPDATE apps SET api_key_hash = NULL, api_key_hint = NULL, previous_key_hash = NULL, "
         "previous_key_expires_at_us = NULL, updated_at_us = :u WHERE id = :id",
      soci::use(at), soci::use(app_id);
  audit_key(sql, app, "revoked", app.api_key_hint, std::nullopt, std::nullopt);
}

audit_page api_key_audit(soci::session& sql, const std::string& app_id, int64_t limit,
                         int64_t offset) {
  require_app(sql, app_id);
  filtered_query entries("FROM api_key_audit");
  entries.where("app_id = ?", {app_id});
  audit_page page;
  page.total = entries.count(sql);
  auto rows =
      entries.page(sql, "id, action, old_key_hint, new_key_hint, grace_seconds, performed_at_us",
                   "performed_at_us DESC, id", limit, offset);
  page.items = read_rows(rows, [](const row_reader& in) {
    return api_key_audit_entry{in.str("id"),
                               in.str("action"),
                               in.opt_str("old_key_hint"),
                               in.opt_str("new_key_hint"),
                               in.opt_i64("grace_seconds"),
                               in.i64("performed_at_us")};
  });
  return page;
}

std::optional<app_key_owner> find_key_owner(soci::session& sql, const std::string& key_hash,
                                            int64_t now) {
  soci::rowset<soci::row> current =
      (sql.prepare << "SELECT id, tenant_id, is_active FROM apps WHERE api_key_hash = :h",
       soci::use(key_hash));
  for (const auto& r : current) {
    row_reader in(r);
    return app_key_owner{in.str("id"), in.str("tenant_id"), in.flag("is_active"), std::nullopt};
  }
  long long at = now;
  soci::rowset<soci::row> previous =
      (sql.prepare << "SELECT id, tenant_id, is_active, previous_key_expires_at_us FROM apps "
                      "WHERE previous_key_hash = :h AND previous_key_expires_at_us > :now",
       soci::use(key_hash), soci::use(at));
  for (const auto& r : previous) {
    row_reader in(r);
    return app_key_owner{in.str("id"), in.str("tenant_id"), in.flag("is_active"),
                         in.opt_i64("previous_key_expires_at_us")};
  }
  return std::nullopt;
}

}  // namespace sb::persistence
