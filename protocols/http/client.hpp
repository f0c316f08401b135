#pragma once

#include <chrono>
#include <map>
#include <string>

namespace sb::http {

struct client_reply {
  unsigned status = 0;
  std::string body;
};

/// One blocking HTTP/1.1 request to an http:// or https:// URL (certificates verified against
/// the system store for https), with `timeout` for the whole exchange. Throws
/// std::runtime_error when the URL is bad or the server cannot be reached or answers late.
/// Blocks: call it from a detached actor or a thread of its own, never an I/O thread.
client_reply fetch(const std::string& method, const std::string& url, const std::string& body,
                   const std::map<std::string, std::string>& headers,
                   std::chrono::milliseconds timeout);

}  // namespace sb::http
