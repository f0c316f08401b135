#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "persistence/store_job.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// A committed `echo` payload.
struct note {
  int64_t id = 0;
  std::string session_id;
  std::string body;
  int64_t created_at_us = 0;
};

int64_t insert_note(soci::session& sql, const std::string& session_id, const std::string& body,
                    int64_t created_at_us);

std::optional<note> find_note(soci::session& sql, int64_t id);

/// Job replying `(int64_t id, int64_t created_at_us)` once the note is committed.
store_job_ptr insert_note_job(std::string session_id, std::string body);

/// Job replying `(int64_t one)`: a round trip to the database, for health checks.
store_job_ptr ping_job();

}  // namespace sb::persistence
