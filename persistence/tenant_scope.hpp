#pragma once

#include <string>
#include <utility>

namespace sb::persistence {

/// The tenant a repository call acts for. Every repository function over tenant-owned rows
/// takes one and puts it in the WHERE clause of every statement it runs, so tenant isolation
/// is enforced here once, not remembered in each handler. Only the API layer creates scopes,
/// from the authenticated principal (or, for a superadmin, the tenant named in the request).
class tenant_scope {
 public:
  explicit tenant_scope(std::string tenant_id) : tenant_id_(std::move(tenant_id)) {}
  const std::string& tenant_id() const noexcept { return tenant_id_; }

 private:
  std::string tenant_id_;
};

}  // namespace sb::persistence
