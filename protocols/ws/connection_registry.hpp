#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "protocols/ws/connection.hpp"

namespace sb::ws {

/// The live WebSocket connections of a server, for graceful shutdown and the connection gauge.
class connection_registry {
 public:
  void add(uint64_t serial, std::weak_ptr<outbound> conn);
  void remove(uint64_t serial);
  std::vector<outbound_ptr> snapshot() const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<outbound>> conns_;
};

}  // namespace sb::ws
