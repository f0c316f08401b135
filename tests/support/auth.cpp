#include "tests/support/auth.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace sb::test {

std::string login(uint16_t port, const std::string& email, const std::string& password) {
  boost::json::object body{{"email", email}, {"password", password}};
  auto r = http_request(port, "POST", "/api/v1/auth/login", boost::json::serialize(body),
                        {{"Content-Type", "application/json"}});
  if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
  return std::string(r.json().at("data").at("accessToken").as_string());
}

std::string admin_token(const server_process& server) {
  return login(server.port(), kAdminEmail, kAdminPassword);
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

ws_client::options authed(const server_process& server) {
  ws_client::options o;
  o.headers = bearer(admin_token(server));
  return o;
}

std::map<std::string, std::string> internal_headers() {
  return {{"Authorization", std::string("Bearer ") + kInternalSecret}};
}

}  // namespace sb::test
