#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "config/ground/crypto.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

struct mailer_state {
  // Not an aggregate: CAF 0.17 builds states with State(self) when that compiles, and C++20
  // would aggregate-initialise the first member from the actor pointer (docs/architecture.md).
  mailer_state() = default;

  bool busy = false;
  static inline const char* name = "mailer";
};

/// Drains the e-mail outbox over SMTP. Runs detached (SMTP is blocking I/O). Every
/// `poll interval` (and whenever it gets a tick_atom, e.g. right after mail was queued) it
/// takes the due messages from the store, sends each, and records the outcome: sent; retried
/// with backoff (30 s doubling, at most an hour) after a temporary failure; given up after a
/// permanent one or smtp.max_attempts. The SMTP settings an operator stored
/// (/api/admin/settings; the password sealed with `secrets`) override `cfg`'s, read with each
/// batch; with no host from either, mail waits in the outbox.
caf::behavior mailer_actor(caf::stateful_actor<mailer_state>* self, persistence::store_client store,
                           config::smtp_config cfg,
                           std::shared_ptr<const crypto::secret_box> secrets);

}  // namespace sb
