#include "api/cors.hpp"

#include <algorithm>

#include "protocols/http/problem.hpp"

namespace sb::api {

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

/// The methods the API answers, for Access-Control-Allow-Methods.
constexpr const char* kMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

}  // namespace

cors_policy::cors_policy(const std::string& origins) {
  size_t start = 0;
  while (start <= origins.size()) {
    auto comma = origins.find(',', start);
    auto one = trim(std::string_view(origins).substr(start, comma - start));
    if (one == "*") any_ = true;
    if (!one.empty() && one != "*") {
      while (!one.empty() && one.back() == '/') one.pop_back();  // "https://a.test/" = origin
      origins_.push_back(one);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

bool cors_policy::allows(std::string_view origin) const {
  if (origin.empty() || origin == "null") return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<http::response> cors_policy::preflight(const http::request& req) const {
  if (req.method != "OPTIONS" || req.header("origin").empty() ||
      req.header("access-control-request-method").empty()) {
    return std::nullopt;
  }
  auto origin = std::string(req.header("origin"));
  if (!allows(origin)) {
    return http::problem(errc::forbidden, "origin " + origin + " is not allowed (CORS_ORIGIN)",
                         req.path);
  }
  http::response r;
  r.status = 204;
  r.with_header("Access-Control-Allow-Origin", origin)
      .with_header("Access-Control-Allow-Credentials", "true")
      .with_header("Access-Control-Allow-Methods", kMethods)
      .with_header("Access-Control-Max-Age", "600")
      .with_header("Vary", "Origin");
  auto asked = req.header("access-control-request-headers");
  if (!asked.empty()) r.with_header("Access-Control-Allow-Headers", std::string(asked));
  return r;
}

http::responder cors_policy::wrap(const http::request& req, http::responder respond) const {
  auto origin = std::string(req.header("origin"));
  if (!allows(origin)) return respond;
  return [origin, respond = std::move(respond)](http::response r) {
    r.set_header("Access-Control-Allow-Origin", origin);
    r.set_header("Access-Control-Allow-Credentials", "true");
    r.set_header("Access-Control-Expose-Headers",
                 "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After");
    r.with_header("Vary", "Origin");
    respond(std::move(r));
  };
}

}  // namespace sb::api
