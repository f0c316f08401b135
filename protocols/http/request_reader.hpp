#pragma once

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "protocols/http/message.hpp"

namespace sb::http {

/// Reads HTTP/1.1 requests out of a connection's bytes, within the node's limits: the request
/// line and headers (and a chunked body's trailer, separately) within `header_limit` bytes,
/// the body within `body_limit`. The bytes wait in a buffer of the reader's own, bounded: a
/// body is consumed as it arrives, so only a header or a trailer can fill it. Bytes past one
/// request stay for the next (pipelining) or for the connection an upgrade starts.
class request_reader {
 public:
  enum class result { need_more, complete, header_too_large, body_too_large, malformed };

  /// A request as read, and whether the connection may carry another one after it.
  struct complete_request {
    request req;  ///< remote_address left empty
    bool keep_alive = false;
  };

  request_reader(uint64_t header_limit, uint64_t body_limit);
  ~request_reader();
  request_reader(const request_reader&) = delete;
  request_reader& operator=(const request_reader&) = delete;

  /// Space for the next bytes from the socket; call commit() with how many arrived.
  boost::asio::mutable_buffer prepare();
  void commit(size_t n);

  /// Parses what is buffered. After `complete`, take() the request; after any error the
  /// reader is done (the connection answers and closes).
  result parse();
  /// Why the last parse() said `malformed`, when the parser threw (empty otherwise).
  const std::string& failure() const { return failure_; }

  /// The request parse() completed; the reader then starts on the next one.
  complete_request take();

  /// The bytes buffered past the last complete request, taken out of the reader.
  std::string take_leftover();
  /// Drops everything buffered (a closing connection reads into prepare() and discards).
  void discard();

 private:
  struct state;
  std::unique_ptr<state> state_;
  std::string failure_;
};

}  // namespace sb::http
