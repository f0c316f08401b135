#include "actors/identity/authenticator.hpp"

#include <caf/all.hpp>

#include <chrono>

#include "actors/runtime/caf_errc.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"

namespace sb {

namespace {

auth_result check_user(const access_claims& claims, const user_state& state) {
  if (!state.exists || state.status != "active" || state.token_version != claims.version ||
      state.tenant_id != claims.tenant_id) {
    return errc::unauthorized;
  }
  return principal{principal::kind::user, claims.user_id,
                   state.tenant_id,       state.role,
                   state.superadmin,      state.must_change_password};
}

auth_result check_key(const std::optional<persistence::app_key_owner>& owner) {
  if (!owner || !owner->is_active) return errc::unauthorized;
  return principal{principal::kind::app, owner->app_id, owner->tenant_id, "app", false};
}

bool tenant_active(soci::session& sql, const std::string& tenant_id) {
  auto t = persistence::find_tenant(sql, tenant_id);
  return t && t->status == "active";
}

}  // namespace

user_state load_user_state(soci::session& sql, const std::string& user_id) {
  auto user = persistence::find_user_any_tenant(sql, user_id);
  if (!user) return user_state{{}, {}, {}, 0, false, false};
  user_state s{user->tenant_id,           user->role,       user->status,
               user->token_version,       user->superadmin, true,
               user->must_change_password};
  if (!tenant_active(sql, user->tenant_id)) s.status = "tenant_suspended";
  return s;
}

std::optional<persistence::app_key_owner> load_key_owner(soci::session& sql,
                                                         const std::string& key_hash,
                                                         int64_t now_us) {
  auto owner = persistence::find_key_owner(sql, key_hash, now_us);
  if (owner && !tenant_active(sql, owner->tenant_id)) owner->is_active = false;
  return owner;
}

authenticator::authenticator(caf::actor_system& sys, persistence::store_client store,
                             auth_cache& cache, const token_service& tokens,
                             std::string internal_secret)
    : sys_(sys),
      store_(std::move(store)),
      cache_(cache),
      tokens_(tokens),
      internal_secret_(std::move(internal_secret)) {}

void authenticator::with_user_state(const std::string& id,
                                    std::function<void(const user_state&)> done, done_fn failed) {
  if (auto state = cache_.user(id)) return done(*state);
  auto generation = cache_.generation();
  store_.ask(
      sys_, "user:" + id, "find_user",
      [id](soci::session& sql) { return load_user_state(sql, id); },
      [this, id, done, generation](user_state& state) {
        cache_.put_user(id, state, generation);
        done(state);
      },
      [failed](const persistence::store_failure& f) { failed(f.code); });
}

void authenticator::user_token(std::string_view token, done_fn done) {
  auto claims = tokens_.verify(token, now_us() / 1'000'000);
  if (!claims) return done(errc::unauthorized);
  with_user_state(
      claims->user_id,
      [claims = *claims, done](const user_state& state) { done(check_user(claims, state)); }, done);
}

void authenticator::user_id(std::string_view id, done_fn done) {
  // Ids are UUIDs; anything else names nobody and must not reach a query.
  if (!crypto::is_uuid(id)) return done(errc::unauthorized);
  with_user_state(
      std::string(id),
      [id = std::string(id), done](const user_state& state) {
        if (!state.exists || state.status != "active") return done(errc::unauthorized);
        done(principal{principal::kind::user, id, state.tenant_id, state.role, state.superadmin,
                       state.must_change_password});
      },
      done);
}

void authenticator::api_key(std::string_view key, done_fn done) {
  auto hash = crypto::sha256_hex(key);
  auto now = now_us();
  if (auto hit = cache_.key(hash, now)) return done(check_key(hit->owner));
  auto generation = cache_.generation();
  store_.ask(
      sys_, "apikey:" + hash, "find_key_owner",
      [hash, now](soci::session& sql) { return load_key_owner(sql, hash, now); },
      [this, hash, now, done, generation](std::optional<persistence::app_key_owner>& owner) {
        cache_.put_key(hash, owner, now, generation);
        done(check_key(owner));
      },
      [done](const persistence::store_failure& f) { done(f.code); });
}

bool authenticator::internal_secret(std::string_view presented) const {
  if (internal_secret_.empty()) return false;
  return crypto::constant_time_equal(crypto::sha256_hex(presented),
                                     crypto::sha256_hex(internal_secret_));
}

}  // namespace sb
