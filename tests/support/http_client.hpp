#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace sb::test {

struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;

  boost::json::value json() const;  ///< parses the body; throws when it is not JSON
  std::string header(const std::string& lower_name) const;
};

/// One HTTP/1.1 request over a new loopback connection, with a timeout; `from` binds the
/// client's end to another loopback address (127.0.0.2, …) to play another client.
http_reply http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10),
                        const std::string& from = {});

/// Sends raw bytes and returns everything the server sends back until it closes the
/// connection (or the timeout passes): for malformed requests.
std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace sb::test
