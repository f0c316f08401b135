#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// An integration (a CTI "app"), owned by a tenant and managed by operators.
struct app_record {
  std::string id;
  std::string tenant_id;
  std::string name;
  bool is_active = true;
  bool webhook_secret_set = false;
  std::optional<std::string> api_key_hint;  ///< "app_abcd...cdef"; none when no key is active
  std::optional<int64_t> api_key_rotated_at_us;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct api_key_audit_entry {
  std::string id;
  std::string action;  ///< created, rotated, revoked
  std::optional<std::string> old_key_hint;
  std::optional<std::string> new_key_hint;
  std::optional<int64_t> grace_seconds;
  int64_t performed_at_us = 0;
};

struct audit_page {
  std::vector<api_key_audit_entry> items;
  int64_t total = 0;
};

/// A freshly generated key: the only time the key itself exists outside the caller.
struct issued_key {
  std::string key;
  app_record app;
  std::optional<std::string> previous_hash;  ///< the hash of the key it replaced, if any
};

/// The principal an API key stands for.
struct app_key_owner {
  std::string app_id;
  std::string tenant_id;
  bool is_active = true;
  std::optional<int64_t> expires_at_us;  ///< set for a rotated-out key in its grace period
};

/// "app_" followed by 64 hex digits: 256 random bits.
std::string generate_api_key();
/// First 8 and last 4 characters, the seed's hint form: "app_abcd...cdef".
std::string key_hint(const std::string& key);

app_record create_app(soci::session& sql, const std::string& tenant_id, const std::string& name);
std::optional<app_record> find_app(soci::session& sql, const std::string& id);
/// find_app, or store_error(not_found) "no such app".
app_record require_app(soci::session& sql, const std::string& id);
std::vector<app_record> list_apps(soci::session& sql);
/// `webhook_secret`: absent = keep, inner nullopt = clear. Throws store_error(not_found).
app_record update_app(soci::session& sql, const std::string& id,
                      const std::optional<std::string>& name, const std::optional<bool>& is_active,
                      const std::optional<std::optional<std::string>>& webhook_secret);

/// The app's webhook secret, if it has one. Never logged nor returned by the API.
std::optional<std::string> app_webhook_secret(soci::session& sql, const std::string& id);

/// Generates a new key for the app, stores its hash and audits the action ("created" when
/// there was none, else "rotated"). The previous key stops working at once, or after
/// `grace_seconds` when positive. Throws store_error(not_found).
issued_key issue_api_key(soci::session& sql, const std::string& app_id, int64_t grace_seconds);
/// Revokes the app's key (and any key in its grace period). Throws store_error(not_found)
/// when the app does not exist or has no key.
void revoke_api_key(soci::session& sql, const std::string& app_id);
audit_page api_key_audit(soci::session& sql, const std::string& app_id, int64_t limit,
                         int64_t offset);

/// The app whose current key, or whose previous key still in its grace period, hashes to
/// `key_hash`.
std::optional<app_key_owner> find_key_owner(soci::session& sql, const std::string& key_hash,
                                            int64_t now_us);

}  // namespace sb::persistence
