#include "config/ground/connection_quota.hpp"

#include <mutex>
#include <unordered_map>

namespace sb {

struct connection_quota::state {
  std::mutex mutex;
  std::unordered_map<std::string, uint32_t> counts;
};

connection_quota::connection_quota() : state_(std::make_shared<state>()) {}

std::shared_ptr<void> connection_quota::acquire(const std::string& key, uint32_t limit) {
  {
    std::lock_guard guard{state_->mutex};
    auto& n = state_->counts[key];
    if (limit > 0 && n >= limit) return nullptr;
    ++n;
  }
  auto release = [s = state_, key](void*) {
    std::lock_guard guard{s->mutex};
    if (auto it = s->counts.find(key); it != s->counts.end() && --it->second == 0) {
      s->counts.erase(it);
    }
  };
  // The pointer itself is never used: the slot is its deleter.
  return std::shared_ptr<void>(static_cast<void*>(state_.get()), std::move(release));
}

uint32_t connection_quota::count(const std::string& key) const {
  std::lock_guard guard{state_->mutex};
  auto it = state_->counts.find(key);
  return it == state_->counts.end() ? 0 : it->second;
}

}  // namespace sb
