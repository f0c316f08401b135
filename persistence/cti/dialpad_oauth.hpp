#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// Remembers an authorization in progress: the hash of its `state` (the state itself only
/// travels through the browser) and the sealed PKCE verifier.
void save_oauth_state(soci::session& sql, const std::string& state_hash, const std::string& app_id,
                      const std::string& verifier_sealed, int64_t expires_at_us);

struct oauth_state {
  std::string app_id;
  std::string verifier_sealed;
};

/// Takes (deletes) the state: a state is good once. nullopt when unknown or expired.
std::optional<oauth_state> take_oauth_state(soci::session& sql, const std::string& state_hash,
                                            int64_t now_us);

/// An app's Dialpad connection (tokens sealed).
struct dialpad_connection {
  std::string app_id;
  std::string access_token_sealed;
  std::optional<std::string> refresh_token_sealed;
  std::optional<std::string> scope;
  std::optional<int64_t> expires_at_us;
  int64_t connected_at_us = 0;
  std::optional<int64_t> refreshed_at_us;
  std::optional<std::string> last_error;
};

/// Stores fresh tokens for the app (a new connection, or a refresh: `refreshed` says which).
/// A refresh without a new refresh token keeps the old one.
void save_dialpad_tokens(soci::session& sql, const dialpad_connection& c, bool refreshed,
                         int64_t now_us);
std::optional<dialpad_connection> find_dialpad_connection(soci::session& sql,
                                                          const std::string& app_id);
/// Connections with a refresh token that expire before `before_us`.
std::vector<dialpad_connection> connections_to_refresh(soci::session& sql, int64_t before_us);
void record_refresh_failure(soci::session& sql, const std::string& app_id, const std::string& error,
                            int64_t now_us);

}  // namespace sb::persistence
