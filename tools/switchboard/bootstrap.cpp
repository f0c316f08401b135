#include "tools/switchboard/bootstrap.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>
#include <future>
#include <optional>
#include <stdexcept>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "api/input.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/audit.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/store_client.hpp"

namespace sb {

void bootstrap_admin(caf::actor_system& sys, const persistence::store_client& store,
                     const config::node_config& cfg) {
  const auto& a = cfg.auth;
  if (a.bootstrap_admin_email.empty()) return;
  std::string email = a.bootstrap_admin_email;
  std::transform(email.begin(), email.end(), email.begin(), ::tolower);
  if (!api::is_email(email))
    throw std::runtime_error("BOOTSTRAP_ADMIN_EMAIL is not an email address");
  if (auto why = api::password_weakness(a.bootstrap_admin_password); !why.empty()) {
    throw std::runtime_error("BOOTSTRAP_ADMIN_PASSWORD " + why);
  }
  auto hash = crypto::hash_password(
      a.bootstrap_admin_password, {a.password_hash_ops, size_t{a.password_hash_memory_kib} * 1024});
  auto create = [=](soci::session& sql) {
    if (persistence::count_users(sql) > 0) return false;
    auto tenant = persistence::create_tenant(sql, a.bootstrap_tenant_name);
    persistence::user_record u;
    u.email = email;
    u.password_hash = hash;
    u.first_name = "Admin";
    u.display_name = "Administrator";
    u.role = "admin";
    u.status = "active";
    u.superadmin = true;
    u.must_change_password = a.bootstrap_admin_must_change;
    auto created = persistence::create_user(sql, persistence::tenant_scope(tenant.id), u);
    persistence::audit_entry e;
    e.tenant_id = tenant.id;
    e.actor_kind = "system";
    e.action = "user.bootstrapped";
    e.target_kind = "user";
    e.target_id = created.id;
    persistence::append_audit(sql, e);
    return true;
  };
  // Start-up runs on the main thread, before anything serves: it may wait.
  std::promise<std::optional<std::string>> answer;  // the failure, if any
  store.ask(
      sys, "bootstrap", "bootstrap_admin", create,
      [&answer, email](bool created) {
        if (created) spdlog::info("bootstrap administrator {} created", email);
        answer.set_value(std::nullopt);
      },
      [&answer](const persistence::store_failure& f) {
        answer.set_value(f.message.empty() ? std::string(code_string(f.code)) : f.message);
      });
  if (auto failure = answer.get_future().get()) {
    throw std::runtime_error("bootstrap failed: " + *failure);
  }
}

}  // namespace sb
