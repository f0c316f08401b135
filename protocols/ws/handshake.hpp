#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocols/http/message.hpp"

namespace sb::ws {

/// True when `req` asks for a WebSocket upgrade (GET with Upgrade: websocket).
bool is_upgrade(const http::request& req);

/// Checks the rest of an upgrade request (RFC 6455 §4.2.1): a 16-byte base64
/// Sec-WebSocket-Key and version 13. Returns the error response, or nullopt when valid.
std::optional<http::response> check_upgrade(const http::request& req);

/// Sec-WebSocket-Accept for a client key: base64(SHA-1(key + RFC 6455 GUID)).
std::string accept_key(std::string_view client_key);

/// The raw bytes of the 101 Switching Protocols response.
std::string switching_protocols(std::string_view client_key, std::string_view subprotocol);

}  // namespace sb::ws
