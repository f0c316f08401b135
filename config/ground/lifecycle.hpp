#pragma once

#include <atomic>
#include <cstdint>

namespace sb {

/// Node-wide state that sessions consult: whether the node is draining for shutdown, and how
/// many client requests are waiting on the store (shutdown waits for them to be answered).
struct lifecycle {
  std::atomic<bool> draining{false};
  std::atomic<int64_t> inflight{0};
};

}  // namespace sb
