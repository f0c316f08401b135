#pragma once

#include <boost/json.hpp>

#include <map>
#include <string>

#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"

namespace sb::test {

/// A JSON request with optional bearer token and extra headers.
inline http_reply call(uint16_t port, const std::string& method, const std::string& target,
                       const std::string& token = {}, const boost::json::value& body = nullptr,
                       std::map<std::string, std::string> headers = {}) {
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  std::string text;
  if (!body.is_null()) {
    text = boost::json::serialize(body);
    headers["Content-Type"] = "application/json";
  }
  return http_request(port, method, target, text, headers);
}

/// An internal-API request.
inline http_reply internal(uint16_t port, const std::string& method, const std::string& target,
                           const boost::json::value& body = nullptr) {
  auto headers = internal_headers();
  std::string text;
  if (!body.is_null()) {
    text = boost::json::serialize(body);
    headers["Content-Type"] = "application/json";
  }
  return http_request(port, method, target, text, headers);
}

/// `data` of an ApiResponse, checking the envelope.
inline boost::json::object data_of(const http_reply& r) {
  auto body = r.json().as_object();
  if (!body.at("success").as_bool()) throw std::runtime_error("not a success: " + r.body);
  return body.at("data").as_object();
}

/// Creates a user as `admin_token` and returns its id; fails on anything but 201.
inline std::string create_user(uint16_t port, const std::string& admin_token,
                               boost::json::object fields, const std::string& query = "") {
  auto r = call(port, "POST", "/api/v1/users" + query, admin_token, fields);
  if (r.status != 201) throw std::runtime_error("create user failed: " + r.body);
  return std::string(data_of(r).at("id").as_string());
}

}  // namespace sb::test
