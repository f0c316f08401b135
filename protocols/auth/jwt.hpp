#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sb::crypto {
class hmac_sha256_key;
}

namespace sb::jwt {

/// Why a token was refused. Clients are only ever told "invalid token"; the reason is logged.
enum class failure {
  malformed,        ///< not three base64url parts of JSON objects, or claims of the wrong type
  unsupported_alg,  ///< any "alg" but HS256, "none" included
  bad_signature,
  expired,        ///< "exp" passed (beyond the leeway), or missing when required
  not_yet_valid,  ///< "nbf" in the future (beyond the leeway)
};

std::string_view describe(failure f);

struct verify_options {
  int64_t now_s = 0;      ///< current time, seconds since the epoch
  int64_t leeway_s = 30;  ///< clock skew tolerated on exp and nbf
  bool require_exp = true;
};

/// Signs `claims` as a compact JWT with header {"alg":"HS256","typ":"JWT"}.
std::string sign_hs256(const boost::json::object& claims, const crypto::hmac_sha256_key& key);
std::string sign_hs256(const boost::json::object& claims, std::string_view secret);

/// Verifies an HS256 compact JWT (RFC 7519): the algorithm is fixed by us, never taken from the
/// token; the signature is compared in constant time. Returns the claims, allocated from
/// `storage` (pass a stack arena on hot paths).
std::variant<boost::json::object, failure> verify_hs256(std::string_view token,
                                                        const crypto::hmac_sha256_key& key,
                                                        const verify_options& opts,
                                                        boost::json::storage_ptr storage = {});
std::variant<boost::json::object, failure> verify_hs256(std::string_view token,
                                                        std::string_view secret,
                                                        const verify_options& opts);

}  // namespace sb::jwt
