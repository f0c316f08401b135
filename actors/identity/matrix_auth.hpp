#pragma once

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "config/ground/errc.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// A Matrix user as a checked access token names them, and the Switchboard user they are.
struct matrix_identity {
  std::string matrix_user;  ///< "@alice:example.org"
  std::string user_id;      ///< ours
};

/// Matrix access tokens on the call endpoints (seed 003, docs/api.md "Matrix users"): a token
/// is checked with the homeserver's whoami, the Matrix id mapped to a user (or one provisioned
/// in calls.matrix_users_tenant), and the answer kept per token hash for
/// calls.matrix_auth_cache_ttl. The homeserver is called with blocking I/O on a detached actor
/// per check, at most calls.matrix_auth_max_pending at once. Callbacks run on those actors'
/// threads and must not block. Thread-safe.
class matrix_auth {
 public:
  using identity_fn = std::function<void(std::variant<matrix_identity, errc>)>;
  using members_fn = std::function<void(std::variant<std::vector<std::string>, errc>)>;

  matrix_auth(caf::actor_system& sys, persistence::store_client store,
              const config::calls_config& cfg);

  bool enabled() const { return cfg_.matrix_auth; }

  /// Who the token is: unauthorized when the homeserver does not know it (or no user may be
  /// made for it), upstream_failed when the homeserver cannot say, overloaded past the limit.
  void verify(const std::string& token, identity_fn done);

  /// The joined members of `room`, asked with the user's own token: forbidden when the
  /// homeserver refuses (the user is not in the room), upstream_failed when it cannot say.
  void joined_members(const std::string& token, const std::string& room, members_fn done);

 private:
  struct cached {
    matrix_identity who;
    std::chrono::steady_clock::time_point until;
  };
  bool remembered(const std::string& key, matrix_identity& out);
  void remember(const std::string& key, const matrix_identity& who);
  /// Runs `fetch` on a detached actor when a slot is free; else answers overloaded.
  bool start(std::function<void()> fetch);

  caf::actor_system& sys_;
  persistence::store_client store_;
  const config::calls_config& cfg_;
  std::atomic<uint32_t> pending_{0};
  std::mutex mu_;
  std::unordered_map<std::string, cached> cache_;  ///< by token hash
};

}  // namespace sb
