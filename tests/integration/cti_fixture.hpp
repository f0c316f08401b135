#pragma once

// A CTI app on a running node, and Dialpad deliveries signed the way Dialpad signs them.

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "config/ground/crypto.hpp"
#include "protocols/auth/jwt.hpp"
#include "tests/integration/api_calls.hpp"

namespace sb::test {

struct cti_app {
  uint16_t port = 0;
  std::string id;
  std::string key;     ///< x-app-api-key
  std::string secret;  ///< webhook secret ("" = none)

  /// Creates the app, its API key and (unless empty) its webhook secret.
  static cti_app create(uint16_t port, const std::string& name,
                        const std::string& secret = "whsec-test-0123456789abcdef") {
    cti_app a;
    a.port = port;
    a.secret = secret;
    auto r = internal(port, "POST", "/internal/apps", boost::json::object{{"name", name}});
    REQUIRE(r.status == 201);
    a.id = std::string(r.json().at("app_id").as_string());
    auto k = internal(port, "POST", "/internal/apps/" + a.id + "/api-key");
    REQUIRE(k.status == 200);
    a.key = std::string(k.json().at("api_key").as_string());
    if (!secret.empty()) {
      REQUIRE(internal(port, "PATCH", "/internal/apps/" + a.id,
                       boost::json::object{{"webhook_secret", secret}})
                  .status == 200);
    }
    return a;
  }

  /// POSTs a raw body to this app's webhook URL.
  http_reply post_raw(const std::string& body,
                      std::map<std::string, std::string> headers = {}) const {
    if (!headers.count("Content-Type")) headers["Content-Type"] = "application/jwt";
    return http_request(port, "POST", "/webhooks/dialpad/" + id, body, headers);
  }

  /// POSTs `claims` as Dialpad does: a compact HS256 JWT as the body.
  http_reply post(const boost::json::object& claims) const {
    return post_raw(jwt::sign_hs256(claims, secret));
  }

  /// A request with this app's API key.
  http_reply get(const std::string& target) const {
    return http_request(port, "GET", target, "", {{"x-app-api-key", key}});
  }

  http_reply ops(const std::string& method, const std::string& path,
                 const boost::json::value& body = nullptr) const {
    return internal(port, method, "/internal/apps/" + id + path, body);
  }
};

/// A call event in Dialpad's shape (ids int64, times in ms).
inline boost::json::object dialpad_event(int64_t call_id, const std::string& state, int64_t ts,
                                         boost::json::object extra = {}) {
  boost::json::object e{
      {"call_id", call_id},
      {"state", state},
      {"direction", "inbound"},
      {"external_number", "+15105550123"},
      {"internal_number", "+15105559876"},
      {"date_started", ts - 1000},
      {"event_timestamp", ts},
      {"target",
       boost::json::object{{"id", 5527348325810176}, {"type", "user"}, {"name", "Agent"}}}};
  for (auto& [k, v] : extra) e[k] = v;
  return e;
}

/// Polls `probe` until it is true or `limit` passes.
inline bool eventually(const std::function<bool()>& probe,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return probe();
}

}  // namespace sb::test
