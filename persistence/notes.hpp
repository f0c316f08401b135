#pragma once

#include <cstdint>
#include <string>

namespace soci {
class session;
}

namespace sb::persistence {

/// Stores an `echo` payload; returns its id.
int64_t insert_note(soci::session& sql, const std::string& session_id, const std::string& body,
                    int64_t created_at_us);

/// A round trip to the database (SELECT 1), for health checks.
int64_t ping(soci::session& sql);

}  // namespace sb::persistence
