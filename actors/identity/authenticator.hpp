#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "actors/identity/auth_cache.hpp"
#include "actors/identity/token_service.hpp"
#include "config/domain/identity/principal.hpp"
#include "config/ground/errc.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// The outcome of authentication: a principal, or unauthorized / db_unavailable / timeout.
using auth_result = std::variant<principal, errc>;

/// Turns credentials into principals. Checks are cheap and synchronous when the auth cache
/// knows the user or key (the common case); otherwise a short-lived actor asks the store and
/// the callback runs later on a scheduler thread. Callbacks must not block.
class authenticator {
 public:
  using done_fn = std::function<void(auth_result)>;

  authenticator(caf::actor_system& sys, persistence::store_client store, auth_cache& cache,
                const token_service& tokens, std::string internal_secret);

  /// An access token: valid signature and expiry, and its user still exists, is active, and
  /// has not revoked tokens (token version) since it was issued.
  void user_token(std::string_view token, done_fn done);

  /// A user named by a credential verified elsewhere (a VoicePing router token, or the legacy
  /// VoicePing join where the token is the user id): the user exists and is active.
  void user_id(std::string_view id, done_fn done);

  /// An app API key: current, or rotated out but within its grace period; app active.
  void api_key(std::string_view key, done_fn done);

  /// The operator secret of /internal, compared in constant time. Never matches when unset.
  bool internal_secret(std::string_view presented) const;

  auth_cache& cache() { return cache_; }
  const token_service& tokens() const { return tokens_; }

 private:
  /// The user's authentication facts, from the cache or the store, then `done(state)`.
  void with_user_state(const std::string& id, std::function<void(const user_state&)> done,
                       done_fn failed);

  caf::actor_system& sys_;
  persistence::store_client store_;
  auth_cache& cache_;
  const token_service& tokens_;
  std::string internal_secret_;
};

/// The authentication facts of a user, read from the store: a user of a suspended tenant counts
/// as suspended. Runs inside a store job.
user_state load_user_state(soci::session& sql, const std::string& user_id);

/// The owner of an API key hash, read from the store; an app of a suspended tenant counts as
/// inactive. Runs inside a store job.
std::optional<persistence::app_key_owner> load_key_owner(soci::session& sql,
                                                         const std::string& key_hash,
                                                         int64_t now_us);

}  // namespace sb
