#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace sb::persistence {

/// Leases of entities with durable effects on a cluster (a CTI app's webhook stream): one
/// holder at a time, with a fence that rises whenever another holder takes the lease. A job
/// acting for the entity checks its fence in its own transaction (check_fence), so once
/// another member took over, the old holder can commit nothing more for it, however long it
/// was paused or cut off.

/// Takes or renews the lease of `entity` for `holder` until `now_us + ttl_us`: renewed when
/// `holder` holds it (its fence stays), taken when it expired or was never held (the fence
/// rises). The fence, or nullopt while another holder's lease is live.
std::optional<int64_t> acquire_lease(soci::session& sql, const std::string& entity,
                                     const std::string& holder, int64_t now_us, int64_t ttl_us);

/// Gives the lease up at once (another member may take it without waiting for it to expire),
/// if `holder` still holds it.
void release_lease(soci::session& sql, const std::string& entity, const std::string& holder);

/// In a job acting for `entity`: locks the lease (PostgreSQL: until the job's transaction
/// ends, so no one takes it meanwhile) and throws store_error(conflict) unless `fence` is
/// still its fence.
void check_fence(soci::session& sql, const std::string& entity, int64_t fence);

}  // namespace sb::persistence
