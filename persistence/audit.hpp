#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// One administrative action. `summary` is a JSON object describing the change without
/// secrets (the API layer builds it; passwords, keys and tokens never go in).
struct audit_entry {
  int64_t id = 0;
  std::optional<std::string> tenant_id;  ///< none for platform actions (tenants, apps)
  std::string actor_kind;                ///< user, app, internal, system
  std::optional<std::string> actor_id;
  std::string action;  ///< e.g. user.created, api_key.rotated
  std::optional<std::string> target_kind;
  std::optional<std::string> target_id;
  std::string summary = "{}";
  std::optional<std::string> ip;
  int64_t created_at_us = 0;
};

struct audit_filter {
  std::string action;     ///< "" = any
  std::string actor_id;   ///< "" = any
  std::string target_id;  ///< "" = any
  int64_t since_us = 0;   ///< 0 = no lower bound
  int64_t until_us = 0;   ///< 0 = no upper bound
  int64_t page = 1;
  int64_t limit = 50;
};

struct audit_log_page {
  std::vector<audit_entry> items;
  int64_t total = 0;
};

/// Appends an entry; call it in the same job as the change, so both commit or neither does.
void append_audit(soci::session& sql, audit_entry entry);

/// The tenant's entries, newest first.
audit_log_page list_audit(soci::session& sql, const tenant_scope& scope, const audit_filter& f);

/// Platform entries (no tenant), newest first: operators' view of tenant and app changes.
audit_log_page list_platform_audit(soci::session& sql, const audit_filter& f);

}  // namespace sb::persistence
