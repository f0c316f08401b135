#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace sb::persistence {

/// The SMTP settings an operator stored (/api/admin/settings); each overrides the node's
/// SMTP_* setting of the same name when present. The password is kept sealed, as given.
struct smtp_overrides {
  std::optional<std::string> host;
  std::optional<int64_t> port;
  std::optional<std::string> user;
  std::optional<std::string> sealed_password;
  std::optional<std::string> from;
};

smtp_overrides read_smtp_overrides(soci::session& sql);

/// A change: an engaged outer optional sets (inner value) or clears (inner nullopt).
struct smtp_change {
  std::optional<std::optional<std::string>> host;
  std::optional<std::optional<int64_t>> port;
  std::optional<std::optional<std::string>> user;
  std::optional<std::optional<std::string>> sealed_password;
  std::optional<std::optional<std::string>> from;
};

void write_smtp_overrides(soci::session& sql, const smtp_change& change, int64_t now_us);

}  // namespace sb::persistence
