#pragma once

#include "api/context.hpp"
#include "protocols/server.hpp"

namespace sb::api {

// The VoicePing-compatible listener (docs/protocol.md, VoicePing): a second port where the
// existing Android SDK and dispatch consoles connect unchanged.

/// Any path upgrades. The token comes from the `token` or `VoicePingToken` header or the first
/// offered subprotocol (then echoed); the device id from `device_id`, `DeviceId`, the second
/// subprotocol, or else the token. A router token (HS256 JWT with userId|uid, signed with
/// ROUTER_JWT_SECRET) or an access token identifies the user; with LEGACY_JOIN_ENABLED a token
/// that is not a JWT is taken as the user id. Anything else: 401.
void handle_voiceping_upgrade(context& ctx, http::request req,
                              protocols::upgrade_responder respond);

/// Plain HTTP on the VoicePing port: GET / answers a welcome text, GET /files/audio/<id>
/// serves recordings (the URL the SDK builds) to the same credentials; other GET and HEAD
/// requests 404, other methods 403.
void handle_voiceping_request(context& ctx, http::request req, http::responder respond);

}  // namespace sb::api
