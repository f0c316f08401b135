#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace sb::ws {

class connection;

/// The live WebSocket connections of a server, for graceful shutdown and the connection gauge.
class connection_registry {
 public:
  void add(uint64_t serial, std::weak_ptr<connection> conn);
  void remove(uint64_t serial);
  std::vector<std::shared_ptr<connection>> snapshot() const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<connection>> conns_;
};

}  // namespace sb::ws
