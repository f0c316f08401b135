#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// A tenant: the isolation boundary (a UCaaS customer, a CTI app owner, a PTT organisation).
struct tenant_record {
  std::string id;
  std::string name;
  std::string status;  ///< "active" or "suspended"
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct tenant_page {
  std::vector<tenant_record> items;
  int64_t total = 0;
};

// Tenants are platform-level: only operators (superadmins) reach these.

tenant_record create_tenant(soci::session& sql, const std::string& name);
std::optional<tenant_record> find_tenant(soci::session& sql, const std::string& id);
/// The id of the oldest live tenant named `name`, created when there is none (for settings
/// that name a tenant: the drop-in router mode's, the test seed's).
std::string tenant_named(soci::session& sql, const std::string& name);
tenant_page list_tenants(soci::session& sql, int64_t page, int64_t limit);
/// Throws store_error(not_found).
tenant_record update_tenant(soci::session& sql, const std::string& id,
                            const std::optional<std::string>& name,
                            const std::optional<std::string>& status);

}  // namespace sb::persistence
