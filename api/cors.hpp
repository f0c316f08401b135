#pragma once

#include <optional>
#include <string>
#include <vector>

#include "protocols/http/message.hpp"

namespace sb::api {

/// Cross-origin access for browsers (http.cors_origins, CORS_ORIGIN): the REST API and the
/// Socket.IO polling transport answer an allowed origin with Access-Control-Allow-Origin (that
/// origin, never "*", as credentials are allowed) and answer its preflights; any other origin
/// gets no CORS headers, so the browser refuses the response. Nothing is allowed by default.
class cors_policy {
 public:
  /// `origins`: comma-separated origins, or "*" for any.
  explicit cors_policy(const std::string& origins);

  /// A preflight (OPTIONS with Origin and Access-Control-Request-Method): its answer, 204 with
  /// the allowed methods and headers for an allowed origin, 403 for another.
  std::optional<http::response> preflight(const http::request& req) const;

  /// `respond` with the CORS headers added for an allowed origin.
  http::responder wrap(const http::request& req, http::responder respond) const;

 private:
  bool allows(std::string_view origin) const;

  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace sb::api
