#include "protocols/auth/jwt.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <optional>

#include "config/ground/crypto.hpp"

namespace sb::jwt {

namespace json = boost::json;

namespace {

const std::string& canonical_header() {
  static const std::string h = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

std::optional<json::object> decode_object(std::string_view segment, json::storage_ptr sp = {}) {
  auto raw = crypto::base64url_decode(segment);
  if (!raw) return std::nullopt;
  json::error_code ec;
  auto v = json::parse(*raw, ec, std::move(sp));
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// A NumericDate claim: absent, or a number (RFC 7519 §2 allows fractions).
std::optional<std::optional<int64_t>> numeric_date(const json::object& claims, const char* name) {
  auto* v = claims.if_contains(name);
  if (!v) return std::optional<int64_t>{};
  if (v->is_int64()) return std::optional<int64_t>{v->as_int64()};
  if (v->is_uint64()) return std::optional<int64_t>{static_cast<int64_t>(v->as_uint64())};
  if (v->is_double() && std::isfinite(v->as_double())) {
    return std::optional<int64_t>{static_cast<int64_t>(v->as_double())};
  }
  return std::nullopt;  // present but not a number
}

}  // namespace

std::string_view describe(failure f) {
  switch (f) {
    case failure::malformed:
      return "malformed token";
    case failure::unsupported_alg:
      return "unsupported algorithm";
    case failure::bad_signature:
      return "bad signature";
    case failure::expired:
      return "token expired";
    case failure::not_yet_valid:
      return "token not yet valid";
  }
  return "invalid token";
}

std::string sign_hs256(const json::object& claims, const crypto::hmac_sha256_key& key) {
  std::string out = canonical_header();
  out += '.';
  out += crypto::base64url_encode(json::serialize(claims));
  auto mac = key.mac(out);
  out += '.';
  out += crypto::base64url_encode(mac);
  return out;
}

std::string sign_hs256(const json::object& claims, std::string_view secret) {
  return sign_hs256(claims, crypto::hmac_sha256_key(secret));
}

std::variant<json::object, failure> verify_hs256(std::string_view token, std::string_view secret,
                                                 const verify_options& opts) {
  return verify_hs256(token, crypto::hmac_sha256_key(secret), opts);
}

std::variant<json::object, failure> verify_hs256(std::string_view token,
                                                 const crypto::hmac_sha256_key& key,
                                                 const verify_options& opts,
                                                 json::storage_ptr storage) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return failure::malformed;
  }
  auto header = token.substr(0, first);
  auto signing_input = token.substr(0, second);
  // Our own tokens carry the canonical header: skip parsing it on the hot path.
  if (header != canonical_header()) {
    auto h = decode_object(header);
    if (!h) return failure::malformed;
    auto* alg = h->if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") return failure::unsupported_alg;
  }
  auto signature = crypto::base64url_decode(token.substr(second + 1));
  if (!signature) return failure::malformed;
  if (!crypto::constant_time_equal(*signature, key.mac(signing_input))) {
    return failure::bad_signature;
  }
  auto claims = decode_object(token.substr(first + 1, second - first - 1), std::move(storage));
  if (!claims) return failure::malformed;
  auto exp = numeric_date(*claims, "exp");
  auto nbf = numeric_date(*claims, "nbf");
  if (!exp || !nbf) return failure::malformed;
  if (*exp) {
    if (opts.now_s > **exp + opts.leeway_s) return failure::expired;
  } else if (opts.require_exp) {
    return failure::expired;
  }
  if (*nbf && opts.now_s + opts.leeway_s < **nbf) return failure::not_yet_valid;
  return std::move(*claims);
}

}  // namespace sb::jwt
