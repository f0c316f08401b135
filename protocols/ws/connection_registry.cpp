#include "protocols/ws/connection_registry.hpp"

#include "protocols/ws/connection_impl.hpp"

namespace sb::ws {

void connection_registry::add(uint64_t serial, std::weak_ptr<connection> conn) {
  std::lock_guard guard{mutex_};
  conns_.emplace(serial, std::move(conn));
}

void connection_registry::remove(uint64_t serial) {
  std::lock_guard guard{mutex_};
  conns_.erase(serial);
}

std::vector<std::shared_ptr<connection>> connection_registry::snapshot() const {
  std::lock_guard guard{mutex_};
  std::vector<std::shared_ptr<connection>> out;
  out.reserve(conns_.size());
  for (const auto& [serial, weak] : conns_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

size_t connection_registry::size() const {
  std::lock_guard guard{mutex_};
  return conns_.size();
}

}  // namespace sb::ws
