#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// Which CRM user a Dialpad user is, per app (unique per app and Dialpad user).
struct user_mapping {
  std::string id;
  std::string app_id;
  int64_t dialpad_user_id = 0;
  std::string crm_user_id;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

struct user_mapping_page {
  std::vector<user_mapping> items;
  int64_t total = 0;
};

/// Creates the mapping, or points the existing one for that Dialpad user at `crm_user_id`.
user_mapping upsert_user_mapping(soci::session& sql, const std::string& app_id,
                                 const std::string& tenant_id, int64_t dialpad_user_id,
                                 const std::string& crm_user_id, int64_t now_us);
user_mapping_page list_user_mappings(soci::session& sql, const std::string& app_id, int64_t limit,
                                     int64_t offset);
std::optional<user_mapping> mapping_by_dialpad_id(soci::session& sql, const std::string& app_id,
                                                  int64_t dialpad_user_id);
/// A CRM user may hold several Dialpad users (e.g. a desk phone and a softphone line).
std::vector<user_mapping> mappings_by_crm_id(soci::session& sql, const std::string& app_id,
                                             const std::string& crm_user_id);
/// False when there was nothing to delete.
bool delete_user_mapping(soci::session& sql, const std::string& app_id, const std::string& id);
bool delete_user_mapping_by_dialpad_id(soci::session& sql, const std::string& app_id,
                                       int64_t dialpad_user_id);

}  // namespace sb::persistence
