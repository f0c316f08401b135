#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sb {

/// Live connections per principal, bounded. Thread-safe; a slot is released by destroying the
/// last copy of it, wherever that happens (the connection's handler holds it).
class connection_quota {
 public:
  connection_quota();

  /// A slot for one more connection of `key`; nullptr when `key` already holds `limit`
  /// (0 = no limit).
  std::shared_ptr<void> acquire(const std::string& key, uint32_t limit);

  /// Connections `key` holds now.
  uint32_t count(const std::string& key) const;

 private:
  struct state;
  std::shared_ptr<state> state_;  ///< shared with the slots, which may outlive the quota
};

}  // namespace sb
