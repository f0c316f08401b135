#pragma once

#include <string>

#include "protocols/http/message.hpp"

namespace sb::engineio {

/// The error codes of the Node server's 400 bodies, which clients may show.
enum class error_code {
  unknown_transport = 0,
  unknown_sid = 1,
  bad_handshake_method = 2,
  bad_request = 3,
  forbidden = 4,
  unsupported_protocol_version = 5,
};

/// `{"code":N,"message":"…"}` with status 400 (403 for forbidden).
http::response error_response(error_code code);

/// A polling answer: 200, text/plain, the payload (or "ok" for a POST).
http::response payload_response(std::string body);

}  // namespace sb::engineio
