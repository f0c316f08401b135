#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "config/node_config.hpp"

namespace sb::calls {

/// TURN REST credentials (draft-uberti-behave-turn-rest, coturn's use-auth-secret):
/// username "<expiry epoch s>:<user id>", password base64(HMAC-SHA1(secret, username)).
struct turn_credentials {
  std::string username;
  std::string password;
};
turn_credentials turn_rest_credentials(const std::string& secret, const std::string& user_id,
                                       int64_t expiry_s);

/// The ICE servers a client gets (GET /api/calls/ice-servers), as RTCConfiguration wants them:
/// {"iceServers":[{"urls":[stun…]},{"urls":[turn…],"username","credential"}],"ttl":s|null}.
/// TURN credentials are time-limited when calls.turn_secret is set (ttl calls.turn_ttl_s),
/// else the static ones (ttl null); no TURN entry when calls.turn_urls is empty.
boost::json::object ice_servers_json(const config::calls_config& cfg, const std::string& user_id,
                                     int64_t now_s);

}  // namespace sb::calls
