#include "actors/identity/auth_cache.hpp"

#include <mutex>

namespace sb {

std::optional<user_state> auth_cache::user(const std::string& id) const {
  std::shared_lock lock{mutex_};
  auto it = users_.find(id);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

void auth_cache::put_user(const std::string& id, user_state state, uint64_t generation) {
  std::unique_lock lock{mutex_};
  if (generation != generation_.load()) return;
  if (users_.size() >= max_entries_) users_.clear();  // crude but bounded; refills on demand
  users_[id] = std::move(state);
}

void auth_cache::forget_user(const std::string& id) {
  std::unique_lock lock{mutex_};
  generation_.fetch_add(1, std::memory_order_acq_rel);
  users_.erase(id);
}

std::optional<auth_cache::key_lookup> auth_cache::key(const std::string& key_hash,
                                                      int64_t now_us) const {
  std::shared_lock lock{mutex_};
  auto it = keys_.find(key_hash);
  if (it == keys_.end()) return std::nullopt;
  const auto& entry = it->second;
  if (!entry.owner && now_us - entry.cached_at_us > negative_ttl_us) return std::nullopt;
  if (entry.owner && entry.owner->expires_at_us && *entry.owner->expires_at_us <= now_us) {
    return key_lookup{std::nullopt, now_us};  // a rotated-out key past its grace period
  }
  return entry;
}

void auth_cache::put_key(const std::string& key_hash,
                         std::optional<persistence::app_key_owner> owner, int64_t now_us,
                         uint64_t generation) {
  std::unique_lock lock{mutex_};
  if (generation != generation_.load()) return;
  if (keys_.size() >= max_entries_) keys_.clear();
  keys_[key_hash] = key_lookup{std::move(owner), now_us};
}

void auth_cache::forget_app(const std::string& app_id) {
  std::unique_lock lock{mutex_};
  generation_.fetch_add(1, std::memory_order_acq_rel);
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.owner && it->second.owner->app_id == app_id) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sb

namespace sb {

void auth_cache::forget_tenant(const std::string& tenant_id) {
  std::unique_lock lock{mutex_};
  generation_.fetch_add(1, std::memory_order_acq_rel);
  std::erase_if(users_, [&](const auto& kv) { return kv.second.tenant_id == tenant_id; });
  std::erase_if(keys_, [&](const auto& kv) {
    return kv.second.owner && kv.second.owner->tenant_id == tenant_id;
  });
}

void auth_cache::forget_all() {
  std::unique_lock lock{mutex_};
  generation_.fetch_add(1, std::memory_order_acq_rel);
  users_.clear();
  keys_.clear();
}

}  // namespace sb
