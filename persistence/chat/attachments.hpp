#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/domain/chat/chat_model.hpp"
#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// An attachment's row: the file's facts, where it was uploaded, and the message that carries
/// it once one does.
struct attachment_row {
  chat::attachment file;
  std::string conversation_id;
  std::string uploaded_by;
  std::optional<std::string> message_id;
};

/// Records an uploaded file (its bytes are on disk under its id).
chat::attachment create_attachment(soci::session& sql, const tenant_scope& scope,
                                   const std::string& conversation_id, const std::string& uploader,
                                   const std::string& name, const std::string& content_type,
                                   int64_t size, int64_t now_us);

std::optional<attachment_row> find_attachment(soci::session& sql, const tenant_scope& scope,
                                              const std::string& id);

/// Binds `ids` to the message `message_id`: each must have been uploaded by `sender` to
/// `conversation_id` and not be carried by a message yet (store_error bad_request otherwise).
std::vector<chat::attachment> claim_attachments(soci::session& sql, const tenant_scope& scope,
                                                const std::string& conversation_id,
                                                const std::string& sender,
                                                const std::vector<std::string>& ids,
                                                const std::string& message_id);

/// Writes an uploaded file to `dir`/<tenant>/<id> and syncs it to disk before returning
/// (store_error storage_full when the disk is full, internal on another failure).
void write_attachment_file(const std::string& dir, const tenant_scope& scope, const std::string& id,
                           const std::string& bytes);

/// The bytes of a stored file (store_error not_found when it is gone).
std::string read_attachment_file(const std::string& dir, const tenant_scope& scope,
                                 const std::string& id);

/// A message's attachments as stored with it (JSON) and back.
std::string attachments_text(const std::vector<chat::attachment>& files);
std::vector<chat::attachment> attachments_of(const std::optional<std::string>& text);

}  // namespace sb::persistence
