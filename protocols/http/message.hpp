#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::http {

/// An HTTP request as the API layer sees it: parsed, size-checked, independent of Beast.
struct request {
  std::string method;                                        ///< upper case, e.g. "GET"
  std::string target;                                        ///< as sent: path plus query
  std::string path;                                          ///< target up to '?'
  std::string query;                                         ///< after '?', undecoded
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
  std::string body;
  std::string remote_address;  ///< the client's: the TCP peer, or as a trusted proxy says
  bool secure = false;         ///< a trusted proxy says the client came over https

  /// The first header named `name` (lower case), or "" when absent.
  std::string_view header(std::string_view name) const;

  /// The percent-decoded value of query parameter `name`, if present.
  std::optional<std::string> query_param(std::string_view name) const;

  /// The token of `Authorization: Bearer <token>` (either capitalisation), or "".
  std::string_view bearer_token() const;

  /// The entries offered in `Sec-WebSocket-Protocol`, in order, trimmed of spaces.
  std::vector<std::string_view> subprotocols() const;
};

/// A body produced piece by piece, for what should not sit in memory whole (a recording
/// streamed from disk). The server asks for one piece at a time and writes it before asking
/// for the next, so a download holds one piece of memory however large it is.
struct body_source {
  uint64_t size = 0;  ///< bytes in all: the Content-Length
  /// Produces up to `max` bytes from `offset` by calling `deliver` once, from any thread; an
  /// empty piece before the end means the source failed (the connection is then dropped,
  /// since the status has gone out already).
  std::function<void(uint64_t offset, uint64_t max, std::function<void(std::string)> deliver)> read;
};

/// An HTTP response to send.
struct response {
  uint16_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::shared_ptr<const body_source> stream;  ///< when set, the body comes from here instead

  /// A response with a JSON body and `Content-Type: application/json`.
  static response json(uint16_t status, std::string body);
  /// A response with a plain-text body of the given content type.
  static response text(uint16_t status, std::string body, std::string content_type);

  response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  /// Sets a header, replacing any of that name (case-insensitively) already set.
  response& set_header(std::string name, std::string value);
};

/// Completes a request. Call exactly once, from any thread.
using responder = std::function<void(response)>;

/// Decodes %XX escapes and '+' (as space); invalid escapes are kept as they are.
std::string percent_decode(std::string_view s);

/// Escapes everything but RFC 3986 unreserved characters, for a query value.
std::string percent_encode(std::string_view s);

}  // namespace sb::http
