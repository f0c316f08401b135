#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/directory/directory.hpp"
#include "actors/runtime/optional_field.hpp"
#include "config/node_config.hpp"
#include "persistence/cti/app_events.hpp"
#include "persistence/cti/webhook_events.hpp"
#include "persistence/store_client.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

using ingest_atom = caf::atom_constant<caf::atom("ingest")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using follow_atom = caf::atom_constant<caf::atom("follow")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using lease_atom = caf::atom_constant<caf::atom("lease")>;

/// A live client of an app's events: the stream writes to `out` directly.
struct cti_follower {
  caf::actor session;
  ws::outbound_ptr out;
  std::string crm_user;  ///< only this CRM user's events; empty = every event of the app
  int64_t since = -1;    ///< replay events after this seq first; -1 = live events only
};

/// On a cluster member: who processes an app's events. Every member takes deliveries (storing
/// one is idempotent), but only the holder of the app's lease processes them (its fence checked
/// in every processing job), and only the member that owns the app by placement takes the
/// lease. Empty `holder` on a single node: no lease.
struct stream_cluster {
  std::string holder;                   ///< "<member name>/<incarnation>"
  std::chrono::milliseconds ttl{3000};  ///< of a lease (cluster.timeout_ms); renewed every third
  std::function<bool(const std::string& logical_id)> here;  ///< this member owns it
  /// Sends a message to every other member's directory (tell_directories' broadcast half).
  std::function<void(const caf::message&)> tell_members;
};

struct webhook_stream_deps {
  persistence::store_client store;
  config::cti_config cfg;
  stream_cluster cluster{};
};

struct webhook_stream_state {
  webhook_stream_state() = default;  // not an aggregate (docs/architecture.md)

  struct follower {
    cti_follower who;
    bool catching_up = false;
    std::vector<persistence::app_event> held;  ///< live events that arrived during catch-up
  };

  /// A verified delivery waiting for its commit, and who to answer then.
  struct arrival {
    persistence::webhook_delivery delivery;
    caf::typed_response_promise<int64_t, bool> promise;
  };

  webhook_stream_deps deps;
  std::string app_id;
  std::string tenant_id;
  bool loaded = false;  ///< the app was read once: messages are handled, not skipped
  bool known = false;   ///< the app exists
  bool active = false;  ///< and is active
  std::optional<std::string> secret;
  /// Store worker of processing (and of the app's other data); deliveries commit on the next
  /// one, so that processing never delays an answer to Dialpad.
  persistence::shard_key shard{""};
  std::vector<arrival> arrivals;
  bool flushing = false;  ///< a commit of deliveries is in flight
  int64_t last_seq = 0;
  bool draining = false;  ///< a batch is being processed
  bool again = false;     ///< new events arrived meanwhile
  uint64_t retry_generation = 0;
  std::vector<follower> followers;
  bool filling_gap = false;  ///< missed events are being read before publishing on
  std::vector<persistence::app_event> gap_backlog;  ///< what arrived meanwhile
  std::optional<int64_t> fence;                     ///< the app's lease, while this member holds it
  bool leasing = false;                             ///< a lease request is in flight
  static inline const char* name = "webhook_stream";
};

/// A webhook stream's interface:
///  ingest(body, signature header) → (event id, duplicate) once the delivery is committed;
///      errc::unauthorized / bad_request with the reason when refused (nothing is stored),
///      errc::not_found when the app is unknown or inactive.
///  tick: process what is due (after ingestion, at startup, on a retry timer, after a replay).
///  reload: the app changed (secret, active flag): read it again.
///  follow(cti_follower): deliver the app's events to a client until its session ends, after
///      replaying those after `since` from the store.
///  timeout: a stream for an app that does not exist goes away.
///  publish(events): the member processing the app committed these: to this member's followers
///  lease: renew (or give up, or try to take) the app's lease, on a cluster member
using webhook_stream_actor =
    caf::typed_actor<caf::replies_to<ingest_atom, std::string, std::string>::with<int64_t, bool>,
                     caf::reacts_to<tick_atom>, caf::reacts_to<reload_atom>,
                     caf::reacts_to<caf::timeout_atom>, caf::reacts_to<follow_atom, cti_follower>,
                     caf::reacts_to<publish_atom, std::vector<persistence::app_event>>,
                     caf::reacts_to<lease_atom>>;

using webhook_stream_ptr = webhook_stream_actor::stateful_pointer<webhook_stream_state>;

/// One per CTI app ("webhooks:<app id>"): every delivery of the app's Dialpad webhooks, and
/// every live client of its events, goes through it. Events are processed in arrival order,
/// each in a store job that also marks it processed, so that a crash never applies one twice.
/// A failing event is retried with exponential backoff without holding back the events behind
/// it (state changes are monotonic, so order among retries does not matter), and is dead after
/// cti.max_attempts. Until the app is loaded, messages wait.
webhook_stream_actor::behavior_type webhook_stream_impl(webhook_stream_ptr self,
                                                        webhook_stream_deps deps,
                                                        std::string app_id);

/// At startup: wakes the stream of every app with events left unprocessed by a previous run
/// (through the directory, which activates them).
void resume_webhook_streams(caf::actor_system& sys, const persistence::store_client& store,
                            directory_actor directory);

}  // namespace sb

namespace sb::persistence {

/// An app event crosses members field by field (registered as "sb.app_event").
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_event& x) {
  return f(caf::meta::type_name("app_event"), x.seq, x.event, optional_field{x.crm_user_id},
           x.body);
}

}  // namespace sb::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::cti_follower)
