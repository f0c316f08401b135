#pragma once

#include <atomic>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocols/voiceping/msgpack.hpp"

namespace sb::voiceping {

/// The ids a drop-in router's clients use (a foreign issuer's user and channel ids, numbers or
/// strings) and ours, both ways, for the drop-in tenant. Filled at start from the store and after
/// each commit that links a new id; read by every VoicePing encoder and session. Thread-safe; reads
/// take a shared lock, and cost nothing while the map is empty (drop-in mode off).
class wire_ids {
 public:
  enum class kind { user, channel };

  /// Links a foreign id (its text, and whether it came as an integer) to ours.
  void add(kind k, const std::string& external, bool is_number, const std::string& internal);

  /// Ours for a foreign id in the client's namespace `k`, if linked.
  std::optional<std::string> internal_of(kind k, std::string_view external) const;

  /// What a VoicePing frame carries for our id `internal`: the foreign id in the type it was
  /// first seen in, or `internal` itself as a string when it has none.
  msgpack::value wire_of(const std::string& internal) const;

 private:
  struct foreign {
    std::string text;
    bool is_number = false;
  };
  mutable std::shared_mutex mu_;
  std::atomic<bool> any_{false};
  std::unordered_map<std::string, std::string> users_, channels_;  ///< foreign → ours
  std::unordered_map<std::string, foreign> foreign_;               ///< ours → foreign
};

}  // namespace sb::voiceping
