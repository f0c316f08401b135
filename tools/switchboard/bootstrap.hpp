#pragma once

#include <caf/fwd.hpp>

#include "actors/session/voiceping_naming.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// On a database without users, creates the administrator named by BOOTSTRAP_ADMIN_EMAIL and
/// BOOTSTRAP_ADMIN_PASSWORD: a superadmin (operator) and admin of a new tenant
/// (BOOTSTRAP_TENANT_NAME), who must change the password. Does nothing when users exist or
/// the settings are empty. Runs on the main thread at start-up (it may block). Throws on a
/// weak password or a store failure.
void bootstrap_admin(caf::actor_system& sys, const persistence::store_client& store,
                     const config::node_config& cfg);

/// With TEST_SEED_ENABLED, the control plane's test event, team and channel in the tenant named
/// BOOTSTRAP_TENANT_NAME (created when missing), where they are not yet. Runs on the main
/// thread at start-up (it may block); throws on a store failure.
void plant_test_seed(caf::actor_system& sys, const persistence::store_client& store,
                     const config::node_config& cfg);

/// The VoicePing drop-in router mode (VOICEPING_DROPIN_TENANT): its tenant and event, created
/// when missing, and every foreign id linked so far, learnt into `ids`. An empty scope when the
/// mode is off. Runs on the main thread at start-up (it may block); throws on a store failure.
persistence::dropin_scope open_voiceping_dropin(caf::actor_system& sys,
                                                const persistence::store_client& store,
                                                const config::node_config& cfg,
                                                voiceping::wire_ids& ids);

}  // namespace sb
