#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "config/ground/crypto.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb::dialpad {

/// Tokens from Dialpad's token endpoint.
struct tokens {
  std::string access_token;
  std::optional<std::string> refresh_token;  ///< Dialpad rotates it on every refresh
  std::optional<int64_t> expires_in_s;
  std::optional<std::string> scope;
};

/// The authorize URL a user is sent to: client id, redirect URI, scopes, `state`, and the
/// PKCE challenge (S256) of the verifier.
std::string authorize_url(const config::cti_config& cfg, const std::string& state,
                          const std::string& verifier);

/// A fresh PKCE verifier (RFC 7636: 43–128 unreserved characters; here 64).
std::string new_verifier();

/// Exchanges an authorization code (grant authorization_code, with the PKCE verifier), or a
/// refresh token (grant refresh_token), at `<base>/oauth2/token`. Blocking; throws
/// std::runtime_error with a message fit for logs (never a token) when Dialpad refuses or
/// cannot be reached.
tokens exchange_code(const config::cti_config& cfg, const std::string& code,
                     const std::string& verifier);
tokens refresh(const config::cti_config& cfg, const std::string& refresh_token);

struct refresher_state {
  refresher_state() = default;  // not an aggregate (docs/architecture.md)
  static inline const char* name = "dialpad_refresher";
};

/// Every cti.oauth_refresh_interval, refreshes the Dialpad tokens that expire within
/// cti.oauth_refresh_before, storing the rotated tokens sealed. Runs detached: the token
/// endpoint is called with blocking I/O.
caf::behavior refresher_actor(caf::stateful_actor<refresher_state>* self,
                              persistence::store_client store, config::cti_config cfg,
                              std::shared_ptr<const crypto::secret_box> box);

}  // namespace sb::dialpad
