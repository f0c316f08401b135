#include "protocols/dialpad/webhook_body.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

#include "config/ground/crypto.hpp"
#include "config/ground/json_input.hpp"
#include "protocols/auth/jwt.hpp"

namespace sb::dialpad {

namespace json = boost::json;

std::string_view name_of(signing s) {
  switch (s) {
    case signing::jwt:
      return "jwt";
    case signing::hmac:
      return "hmac";
    case signing::unsigned_:
      return "unsigned";
  }
  return "unknown";
}

std::string_view describe(rejection r) {
  switch (r) {
    case rejection::bad_signature:
      return "the signature does not match the app's webhook secret";
    case rejection::unsupported_alg:
      return "only HS256-signed webhooks are accepted";
    case rejection::expired:
      return "the webhook token has expired";
    case rejection::malformed:
      return "the body is neither a signed JWT nor a JSON object";
    case rejection::unsigned_refused:
      return "this app has a webhook secret: unsigned events are refused";
  }
  return "refused";
}

namespace {

bool looks_like_jwt(std::string_view body) {
  if (std::count(body.begin(), body.end(), '.') != 2) return false;
  return std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::optional<json::object> parse_object(std::string_view text) {
  json::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::variant<verified_body, rejection> verify_webhook(std::string_view body,
                                                      std::string_view signature_header,
                                                      const std::optional<std::string>& secret,
                                                      int64_t now_s) {
  auto text = trim(body);
  if (looks_like_jwt(text)) {
    if (!secret) return rejection::bad_signature;  // nothing to check it with
    jwt::verify_options opts;
    opts.now_s = now_s;
    opts.require_exp = false;  // Dialpad does not document exp; honoured when present
    auto r = jwt::verify_hs256(text, *secret, opts);
    if (auto* f = std::get_if<jwt::failure>(&r)) {
      switch (*f) {
        case jwt::failure::unsupported_alg:
          return rejection::unsupported_alg;
        case jwt::failure::bad_signature:
          return rejection::bad_signature;
        case jwt::failure::expired:
        case jwt::failure::not_yet_valid:
          return rejection::expired;
        case jwt::failure::malformed:
          return rejection::malformed;
      }
    }
    return verified_body{std::move(std::get<json::object>(r)), signing::jwt};
  }
  if (text.empty() || text.front() != '{') return rejection::malformed;
  if (!signature_header.empty()) {
    if (!secret) return rejection::bad_signature;
    auto expected = crypto::base64_encode(crypto::hmac_sha256(*secret, body));
    if (!crypto::constant_time_equal(expected, trim(signature_header))) {
      return rejection::bad_signature;
    }
    auto claims = parse_object(text);
    if (!claims) return rejection::malformed;
    return verified_body{std::move(*claims), signing::hmac};
  }
  if (secret) return rejection::unsigned_refused;
  auto claims = parse_object(text);
  if (!claims) return rejection::malformed;
  return verified_body{std::move(*claims), signing::unsigned_};
}

}  // namespace sb::dialpad
