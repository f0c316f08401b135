#pragma once

#include <cstdint>
#include <string>

#include "config/ground/clock.hpp"
#include "config/ground/rate_limiter.hpp"

namespace sb::ws {

/// The inbound message limits of one connection: its own per-minute budget, and its
/// principal's, shared by all the principal's connections (so that opening ten connections
/// does not buy ten budgets). Every message counts, malformed ones included.
class message_budget {
 public:
  message_budget() = default;  ///< unlimited
  message_budget(rate_limiter* limiter, std::string connection_key, uint32_t per_connection,
                 std::string principal_key, uint32_t per_principal)
      : limiter_(limiter),
        connection_key_(std::move(connection_key)),
        principal_key_("ws:" + std::move(principal_key)),
        per_connection_(per_connection),
        per_principal_(per_principal) {}

  /// Counts one message. The refusal when either budget is spent (`reset_s` says when the
  /// spent window ends); allowed when both hold or there are no limits.
  rate_limiter::decision hit() {
    if (!limiter_) return {};
    auto now = now_us();
    if (per_connection_ > 0) {
      auto d = limiter_->hit(connection_key_, per_connection_, now);
      if (!d.allowed) return d;
    }
    if (per_principal_ > 0) return limiter_->hit(principal_key_, per_principal_, now);
    return {};
  }

 private:
  rate_limiter* limiter_ = nullptr;
  std::string connection_key_;
  std::string principal_key_;
  uint32_t per_connection_ = 0;
  uint32_t per_principal_ = 0;
};

}  // namespace sb::ws
