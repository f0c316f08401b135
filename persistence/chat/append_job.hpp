#pragma once

#include <string>

#include "persistence/chat/chat.hpp"
#include "persistence/store_job.hpp"

namespace sb::persistence {

/// append_message as a store job. On PostgreSQL the appends a worker finds next to each other
/// in a batch (several senders, several conversations) commit as one statement rather than
/// four round trips each; a message with attachments runs alone (it claims uploads first).
result_job<appended> append_job(tenant_scope scope, std::string conversation_id, new_message in);

}  // namespace sb::persistence
