#pragma once

#include <caf/local_actor.hpp>
#include <caf/scheduled_actor.hpp>

#include <string_view>

#include "config/ground/metrics.hpp"

namespace sb {

/// Per-kind actor metrics: sb_actors{kind} (live), sb_actor_messages_total{kind} and the
/// sb_actor_mailbox_depth{kind} histogram, sampled as each message is handled.
class actor_census {
 public:
  explicit actor_census(std::string_view kind);

  /// Counts `self` as live until it terminates.
  void track(caf::local_actor* self);

  /// Records one handled message and the mailbox depth behind it. Call from the actor itself.
  void on_message(caf::scheduled_actor* self) {
    handled_.inc();
    mailbox_.observe(static_cast<double>(self->mailbox().size()));
  }

 private:
  metrics::gauge& live_;
  metrics::counter& handled_;
  metrics::histogram& mailbox_;
};

}  // namespace sb
