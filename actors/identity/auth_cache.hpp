#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "persistence/identity/apps.hpp"

namespace sb {

/// What the token check needs to know of a user, beyond the token itself.
struct user_state {
  std::string tenant_id;
  std::string role;
  std::string status;
  int64_t token_version = 0;
  bool superadmin = false;
  bool exists = true;  ///< false: deleted or never existed
  bool must_change_password = false;
};

/// The node's cache of authentication facts: users' status and token versions, and which app
/// an API key hash belongs to. Lookups are lock-shared and allocation-free, so the hot path
/// (every HTTP request, every WebSocket upgrade) never waits for the database. Every mutation
/// that changes these facts updates the cache after its commit.
///
/// In a cluster each node has its own cache; invalidations are broadcast to every member, and a
/// member drops its whole cache when another joins (it may have missed some while apart).
class auth_cache {
 public:
  explicit auth_cache(size_t max_entries = 100'000) : max_entries_(max_entries) {}

  /// Bumped by every invalidation. A caller that loads a fact from the database reads it first
  /// and passes it to put_*, which then refuses to cache a fact an invalidation overtook.
  uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  std::optional<user_state> user(const std::string& id) const;
  void put_user(const std::string& id, user_state state, uint64_t generation);
  void forget_user(const std::string& id);

  /// A cached key lookup: `owner` is nullopt for a hash known to match no app. Unknown hashes
  /// are remembered for `negative_ttl_us` only, in case a key is created later.
  struct key_lookup {
    std::optional<persistence::app_key_owner> owner;
    int64_t cached_at_us = 0;
  };
  std::optional<key_lookup> key(const std::string& key_hash, int64_t now_us) const;
  void put_key(const std::string& key_hash, std::optional<persistence::app_key_owner> owner,
               int64_t now_us, uint64_t generation);
  /// Drops every cached key of the app (rotation, revocation, deactivation).
  void forget_app(const std::string& app_id);
  /// Drops every cached user and key of the tenant (suspension).
  void forget_tenant(const std::string& tenant_id);
  /// Drops everything: a cluster member that (re)joins may have missed invalidations.
  void forget_all();

  static constexpr int64_t negative_ttl_us = 30'000'000;

 private:
  size_t max_entries_;
  std::atomic<uint64_t> generation_{0};
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, user_state> users_;
  std::unordered_map<std::string, key_lookup> keys_;
};

}  // namespace sb
