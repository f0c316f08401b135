#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sb::dialpad {

/// How a delivery proved where it came from.
enum class signing {
  jwt,       ///< the body is a compact JWT signed HS256 with the app's webhook secret (Dialpad)
  hmac,      ///< JSON body, base64(HMAC-SHA256(secret, body)) in x-dialpad-signature (the seed)
  unsigned_  ///< JSON body; only accepted when the app has no secret
};

std::string_view name_of(signing s);

/// Why a delivery was refused. Answered 401 except `malformed` (400): nothing is stored.
enum class rejection {
  bad_signature,    ///< wrong MAC, or a signature missing where the app has a secret
  unsupported_alg,  ///< "alg" other than HS256 ("none" included)
  expired,          ///< "exp" present and past
  malformed,        ///< neither a JWT nor a JSON object, or claims that are not an object
  unsigned_refused  ///< a plain JSON body for an app that has a secret
};

std::string_view describe(rejection r);

struct verified_body {
  boost::json::object claims;  ///< the event
  signing how = signing::jwt;
};

/// Checks a webhook body against the app's secret (none: only unsigned JSON is accepted).
/// A body of three base64url segments is a JWT; one starting with '{' is JSON, signed with
/// the seed's header when `signature_header` is not empty.
std::variant<verified_body, rejection> verify_webhook(std::string_view body,
                                                      std::string_view signature_header,
                                                      const std::optional<std::string>& secret,
                                                      int64_t now_s);

}  // namespace sb::dialpad
