#pragma once

#include <map>
#include <string>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace sb::test {

/// Logs in over HTTP; returns the access token (fails the test on any other answer).
std::string login(uint16_t port, const std::string& email, const std::string& password);

/// The bootstrap administrator's access token.
std::string admin_token(const server_process& server);

/// Headers that authenticate as `token`.
std::map<std::string, std::string> bearer(const std::string& token);

/// WebSocket options authenticated as the bootstrap administrator.
ws_client::options authed(const server_process& server);

/// The headers of the internal API.
std::map<std::string, std::string> internal_headers();

}  // namespace sb::test
