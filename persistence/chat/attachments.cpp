#include "persistence/chat/attachments.hpp"

#include <soci/soci.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace json = boost::json;

chat::attachment create_attachment(soci::session& sql, const tenant_scope& scope,
                                   const std::string& conversation_id, const std::string& uploader,
                                   const std::string& name, const std::string& content_type,
                                   int64_t size, int64_t now_us) {
  chat::attachment a{crypto::random_uuid(), name, content_type, size};
  sql << "INSERT INTO chat_attachments (id, tenant_id, conversation_id, uploaded_by, name, "
         "content_type, size_bytes, created_at_us) VALUES (:i, :t, :c, :u, :n, :y, :s, :now)",
      soci::use(a.id), soci::use(scope.tenant_id()), soci::use(conversation_id),
      soci::use(uploader), soci::use(a.name), soci::use(a.content_type), soci::use(a.size),
      soci::use(now_us);
  return a;
}

std::optional<attachment_row> find_attachment(soci::session& sql, const tenant_scope& scope,
                                              const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::row row;
  sql << "SELECT id, name, content_type, size_bytes, conversation_id, uploaded_by, message_id "
         "FROM chat_attachments WHERE id = :i AND tenant_id = :t",
      soci::use(id), soci::use(scope.tenant_id()), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  row_reader in(row);
  return attachment_row{
      {in.str("id"), in.str("name"), in.str("content_type"), in.i64("size_bytes")},
      in.str("conversation_id"),
      in.str("uploaded_by"),
      in.opt_str("message_id")};
}

std::vector<chat::attachment> claim_attachments(soci::session& sql, const tenant_scope& scope,
                                                const std::string& conversation_id,
                                                const std::string& sender,
                                                const std::vector<std::string>& ids,
                                                const std::string& message_id) {
  std::vector<chat::attachment> out;
  for (const auto& id : ids) {
    auto row = find_attachment(sql, scope, id);
    if (!row || row->conversation_id != conversation_id || row->uploaded_by != sender ||
        row->message_id) {
      throw store_error(
          errc::bad_request,
          "attachment " + id + ": not one you uploaded to this conversation, or already sent");
    }
    sql << "UPDATE chat_attachments SET message_id = :m WHERE id = :i AND tenant_id = :t",
        soci::use(message_id), soci::use(id), soci::use(scope.tenant_id());
    out.push_back(row->file);
  }
  return out;
}

namespace {

std::filesystem::path file_of(const std::string& dir, const tenant_scope& scope,
                              const std::string& id) {
  return std::filesystem::path(dir) / scope.tenant_id() / id;
}

}  // namespace

void write_attachment_file(const std::string& dir, const tenant_scope& scope, const std::string& id,
                           const std::string& bytes) {
  auto path = file_of(dir, scope, id);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  bool ok = fd >= 0;
  size_t done = 0;
  while (ok && done < bytes.size()) {
    auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  int error = ok ? 0 : errno;
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    error = errno;
  }
  if (fd >= 0) ::close(fd);
  if (ok) return;
  std::filesystem::remove(path, ec);
  if (error == ENOSPC || error == EDQUOT) {
    throw store_error(errc::storage_full, "the attachment does not fit on the disk");
  }
  throw store_error(errc::internal,
                    std::string("the attachment could not be written: ") + std::strerror(error));
}

std::string read_attachment_file(const std::string& dir, const tenant_scope& scope,
                                 const std::string& id) {
  std::ifstream in(file_of(dir, scope, id), std::ios::binary);
  if (!in) throw store_error(errc::not_found, "the attachment's file is gone");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string attachments_text(const std::vector<chat::attachment>& files) {
  json::array out;
  for (const auto& f : files) {
    out.push_back(json::object{
        {"id", f.id}, {"name", f.name}, {"contentType", f.content_type}, {"size", f.size}});
  }
  return json::serialize(out);
}

std::vector<chat::attachment> attachments_of(const std::optional<std::string>& text) {
  std::vector<chat::attachment> out;
  if (!text) return out;
  json::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& f : v.as_array()) {
    const auto& o = f.as_object();
    out.push_back({std::string(o.at("id").as_string()), std::string(o.at("name").as_string()),
                   std::string(o.at("contentType").as_string()), o.at("size").as_int64()});
  }
  return out;
}

}  // namespace sb::persistence
