#include "protocols/engineio/responses.hpp"

#include <string_view>

namespace sb::engineio {

http::response error_response(error_code code) {
  static constexpr std::string_view messages[] = {
      "Transport unknown", "Session ID unknown", "Bad handshake method",
      "Bad request",       "Forbidden",          "Unsupported protocol version",
  };
  auto n = static_cast<int>(code);
  return http::response::json(
      code == error_code::forbidden ? 403 : 400,
      R"({"code":)" + std::to_string(n) + R"(,"message":")" + std::string(messages[n]) + "\"}");
}

http::response payload_response(std::string body) {
  return http::response::text(200, std::move(body), "text/plain; charset=UTF-8");
}

}  // namespace sb::engineio
