#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace sb {

/// Calls `done` after the returned function has been called `n` times (at once when n is 0).
/// For fan-outs whose answers arrive on one actor: not thread-safe.
inline std::function<void()> countdown(size_t n, std::function<void()> done) {
  if (n == 0) {
    done();
    return [] {};
  }
  auto left = std::make_shared<size_t>(n);
  return [left, done = std::move(done)] {
    if (--*left == 0) done();
  };
}

}  // namespace sb
