#pragma once

#include <cstdint>
#include <string_view>

namespace sb {

/// The stable error vocabulary of Switchboard. Every error a client can see carries one of
/// these codes: over HTTP as the problem+json `code` member, over WebSocket as the `code` of an
/// `error` message. The string forms are part of the public protocol; never rename one.
enum class errc : uint8_t {
  db_unavailable = 1,  // CAF requires error code enums to start at 1
  timeout,
  bad_request,
  bad_json,
  unknown_type,
  frame_too_large,
  payload_too_large,
  headers_too_large,
  not_found,
  method_not_allowed,
  conflict,
  too_many_requests,
  shutting_down,
  unauthorized,
  forbidden,
  limit_reached,
  invite_invalid,
  not_configured,         ///< a feature the node was not configured for (e.g. Dialpad OAuth)
  upstream_failed,        ///< a service we called (Dialpad) refused or could not be reached
  overloaded,             ///< over a rate limit where a 429 would lose data (webhooks): retry later
  range_not_satisfiable,  ///< a Range header past the end of the body
  upgrade_required,       ///< a WebSocket upgrade in a version other than 13
  storage_full,           ///< the database's disk is full: nothing was written, reads go on
  profile_setup_required,  ///< the user must change their password before anything else (412)
  internal,
};

/// What a client sees for an error code.
struct errc_info {
  std::string_view code;   ///< stable machine-readable code, e.g. "db_unavailable"
  uint16_t http_status;    ///< HTTP status used when the error ends an HTTP request
  std::string_view title;  ///< short human-readable summary (problem+json `title`)
  uint32_t retry_after_s;  ///< Retry-After of an HTTP answer with this code; 0 = none
};

/// Returns the description of `e`; never fails.
const errc_info& info(errc e);

/// Shorthand for `info(e).code`.
inline std::string_view code_string(errc e) {
  return info(e).code;
}

}  // namespace sb
