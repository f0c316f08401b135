#include "actors/identity/matrix_auth.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "config/ground/crypto.hpp"
#include "persistence/identity/matrix_users.hpp"
#include "protocols/calls/matrix_answers.hpp"
#include "protocols/http/client.hpp"
#include "protocols/http/message.hpp"

namespace sb {

namespace {

/// Checked tokens kept at most; past that, expired ones go first, then all.
constexpr size_t kMaxCachedTokens = 10'000;

/// One GET to the homeserver with the user's token; nullopt when it cannot be reached.
std::optional<http::client_reply> ask_homeserver(const config::calls_config& cfg,
                                                 const std::string& path,
                                                 const std::string& token) {
  try {
    return http::fetch("GET", matrix::client_api_url(cfg.matrix_homeserver_url, path), "",
                       {{"Authorization", "Bearer " + token}}, cfg.matrix_timeout);
  } catch (const std::exception& e) {
    spdlog::warn("Matrix homeserver unreachable ({}): {}", path, e.what());
    return std::nullopt;
  }
}

}  // namespace

matrix_auth::matrix_auth(caf::actor_system& sys, persistence::store_client store,
                         const config::calls_config& cfg)
    : sys_(sys), store_(std::move(store)), cfg_(cfg) {}

bool matrix_auth::remembered(const std::string& key, matrix_identity& out) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return false;
  if (it->second.until <= std::chrono::steady_clock::now()) {
    cache_.erase(it);
    return false;
  }
  out = it->second.who;
  return true;
}

void matrix_auth::remember(const std::string& key, const matrix_identity& who) {
  if (cfg_.matrix_auth_cache_ttl.count() == 0) return;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCachedTokens) {
    std::erase_if(cache_, [now](const auto& e) { return e.second.until <= now; });
    if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  }
  cache_[key] = {who, now + cfg_.matrix_auth_cache_ttl};
}

bool matrix_auth::start(std::function<void()> fetch) {
  if (pending_.fetch_add(1) >= cfg_.matrix_auth_max_pending) {
    --pending_;
    return false;
  }
  sys_.spawn<caf::detached>([this, fetch = std::move(fetch)](caf::event_based_actor* self) {
    fetch();
    --pending_;
    self->quit();
  });
  return true;
}

void matrix_auth::verify(const std::string& token, identity_fn done) {
  auto key = crypto::sha256_hex(token);  // the token itself is never kept
  matrix_identity known;
  if (remembered(key, known)) return done(known);
  bool started = start([this, token, key, done] {
    auto reply = ask_homeserver(cfg_, "/_matrix/client/v3/account/whoami", token);
    if (!reply) return done(errc::upstream_failed);
    if (reply->status == 401 || reply->status == 403) return done(errc::unauthorized);
    auto user = reply->status == 200 ? matrix::whoami_user(reply->body) : std::nullopt;
    if (!user) {
      spdlog::warn("Matrix whoami answered {} without a user id", reply->status);
      return done(errc::upstream_failed);
    }
    store_.ask(
        sys_, "matrix:" + *user, "matrix_user",
        [user = *user, tenant = cfg_.matrix_users_tenant](soci::session& sql) {
          return persistence::user_for_matrix_id(sql, user, tenant);
        },
        [this, key, user = *user, done](std::optional<std::string>& id) {
          if (!id) return done(errc::unauthorized);
          matrix_identity who{user, *id};
          remember(key, who);
          done(who);
        },
        [done](const persistence::store_failure& f) { done(f.code); });
  });
  if (!started) done(errc::overloaded);
}

void matrix_auth::joined_members(const std::string& token, const std::string& room,
                                 members_fn done) {
  bool started = start([this, token, room, done] {
    auto reply = ask_homeserver(
        cfg_, "/_matrix/client/v3/rooms/" + http::percent_encode(room) + "/joined_members", token);
    if (!reply) return done(errc::upstream_failed);
    if (reply->status == 403 || reply->status == 404) return done(errc::forbidden);
    if (reply->status == 401) return done(errc::unauthorized);
    auto members = reply->status == 200 ? matrix::joined_members(reply->body) : std::nullopt;
    if (!members) return done(errc::upstream_failed);
    done(std::move(*members));
  });
  if (!started) done(errc::overloaded);
}

}  // namespace sb
