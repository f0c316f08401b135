#include "tools/switchboard/bootstrap.hpp"

#include <fmt/format.h>
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
#include "persistence/ptt/dropin.hpp"
#include "persistence/ptt/test_seed.hpp"
#include "persistence/store_client.hpp"

namespace sb {

namespace {

/// Runs a store job and waits for it: start-up runs on the main thread, before anything
/// serves. Throws with the store's message when it fails.
template <class F>
auto ask_and_wait(caf::actor_system& sys, const persistence::store_client& store,
                  std::string_view name, F fn) {
  using result = std::invoke_result_t<F, soci::session&>;
  std::promise<result> answer;
  store.ask(
      sys, "bootstrap", name, fn, [&answer](result& r) { answer.set_value(std::move(r)); },
      [&answer, name](const persistence::store_failure& f) {
        auto why = f.message.empty() ? std::string(code_string(f.code)) : f.message;
        answer.set_exception(
            std::make_exception_ptr(std::runtime_error(fmt::format("{} failed: {}", name, why))));
      });
  return answer.get_future().get();
}

/// An audit row of something the node did at start, on nobody's request.
void append_system_audit(soci::session& sql, const std::string& tenant_id, std::string action,
                         std::string target_kind, const std::string& target_id) {
  persistence::audit_entry e;
  e.tenant_id = tenant_id;
  e.actor_kind = "system";
  e.action = std::move(action);
  e.target_kind = std::move(target_kind);
  e.target_id = target_id;
  persistence::append_audit(sql, e);
}

}  // namespace

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
    append_system_audit(sql, tenant.id, "user.bootstrapped", "user", created.id);
    return true;
  };
  if (ask_and_wait(sys, store, "bootstrap_admin", create)) {
    spdlog::info("bootstrap administrator {} created", email);
  }
}

void plant_test_seed(caf::actor_system& sys, const persistence::store_client& store,
                     const config::node_config& cfg) {
  const auto& p = cfg.ptt;
  if (!p.test_seed_enabled) return;
  auto tenant = cfg.auth.bootstrap_tenant_name;
  auto created = ask_and_wait(sys, store, "test_seed_plant", [p, tenant](soci::session& sql) {
    persistence::tenant_scope scope(persistence::tenant_named(sql, tenant));
    bool created = false;
    auto seed = persistence::plant_test_seed(
        sql, scope, {p.test_seed_event, p.test_seed_team, p.test_seed_channel}, "", created);
    if (created) {
      append_system_audit(sql, scope.tenant_id(), "test_seed_planted", "event", seed.event->id);
    }
    return created;
  });
  if (created) {
    spdlog::info("test seed planted in tenant '{}': event '{}', team '{}', channel '{}'", tenant,
                 p.test_seed_event, p.test_seed_team, p.test_seed_channel);
  }
}

persistence::dropin_scope open_voiceping_dropin(caf::actor_system& sys,
                                                const persistence::store_client& store,
                                                const config::node_config& cfg,
                                                voiceping::wire_ids& ids) {
  const auto& p = cfg.ptt;
  if (p.dropin_tenant.empty()) return {};
  auto opened = ask_and_wait(sys, store, "dropin_open", [p](soci::session& sql) {
    auto scope = persistence::open_dropin_scope(sql, p.dropin_tenant, p.dropin_event);
    return std::make_pair(scope, persistence::dropin_links(sql, scope.tenant_id));
  });
  learn_links(ids, opened.second);
  spdlog::warn(
      "VoicePing drop-in router mode: tokens signed with the router secret provision users and "
      "channels in tenant '{}' (event '{}'; {} ids known)",
      p.dropin_tenant, p.dropin_event, opened.second.size());
  return opened.first;
}

}  // namespace sb
