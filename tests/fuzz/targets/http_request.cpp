// HTTP request reading (protocols/http/request_reader) and what the API reads off a request:
// query parameters, the bearer token, the WebSocket upgrade checks.
#include <algorithm>
#include <cstring>
#include <vector>

#include "protocols/http/request_reader.hpp"
#include "protocols/ws/handshake.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

// http.header_limit and http.body_limit, small so that the fuzzer reaches them.
constexpr uint64_t kHeaderLimit = 1024;
constexpr uint64_t kBodyLimit = 4096;

using reader = sb::http::request_reader;

struct outcome {
  std::vector<reader::complete_request> requests;
  reader::result last = reader::result::need_more;
};

/// Reads `bytes` arriving `chunk` bytes at a time, as the server does: every complete request
/// taken, until one may not keep the connection open or the reader fails.
outcome read(std::string_view bytes, size_t chunk) {
  reader r(kHeaderLimit, kBodyLimit);
  outcome out;
  while (true) {
    out.last = r.parse();
    if (out.last == reader::result::complete) {
      out.requests.push_back(r.take());
      if (!out.requests.back().keep_alive) return out;
      continue;
    }
    if (out.last != reader::result::need_more || bytes.empty()) return out;
    auto space = r.prepare();
    SB_FUZZ_CHECK(space.size() > 0);  // a full buffer is reported, never left waiting
    auto n = std::min({chunk, space.size(), bytes.size()});
    std::memcpy(space.data(), bytes.data(), n);
    r.commit(n);
    bytes.remove_prefix(n);
  }
}

bool same(const sb::http::request& a, const sb::http::request& b) {
  return a.method == b.method && a.target == b.target && a.headers == b.headers && a.body == b.body;
}

}  // namespace

SB_FUZZ_TARGET(http_request) {
  if (size == 0) return;
  // The first byte says how many bytes each read from the socket brings: the requests read
  // must not depend on it. How a refusal is worded may: Beast notices some malformed headers
  // (a CR without LF) only when it scans them in one piece, and split it may meet the header
  // limit (431) before the bad byte it would otherwise refuse (400); one side may even wait for
  // more where the other refused (bounded by the request timeout and the header limit). What
  // must agree is which requests were read, and that a stream closed after a complete request
  // was so on both sides.
  auto bytes = sb::fuzz::as_text(data + 1, size - 1);
  auto whole = read(bytes, bytes.size());
  auto pieces = read(bytes, 1 + data[0] % 16);
  using result = reader::result;
  // Beast's header limit is exact only in bytes it has buffered: a header a few bytes under
  // it may pass whole and be refused 431 when its end arrives with the next bytes. Then one
  // side read fewer requests, the same ones.
  bool at_limit = whole.last == result::header_too_large || pieces.last == result::header_too_large;
  if (!at_limit) SB_FUZZ_CHECK(whole.requests.size() == pieces.requests.size());
  if (!at_limit && whole.last != result::need_more && pieces.last != result::need_more) {
    SB_FUZZ_CHECK((whole.last == result::complete) == (pieces.last == result::complete));
  }
  for (size_t i = 0; i < std::min(whole.requests.size(), pieces.requests.size()); ++i) {
    SB_FUZZ_CHECK(same(whole.requests[i].req, pieces.requests[i].req));
    SB_FUZZ_CHECK(whole.requests[i].keep_alive == pieces.requests[i].keep_alive);
  }
  for (const auto& [req, keep_alive] : whole.requests) {
    SB_FUZZ_CHECK(!req.method.empty() && !req.target.empty());
    SB_FUZZ_CHECK(req.body.size() <= kBodyLimit);
    // Header and trailer each stay within the header limit.
    uint64_t header_bytes = 0;
    for (const auto& [name, value] : req.headers) {
      SB_FUZZ_CHECK(
          std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
      header_bytes += name.size() + value.size() + 4;
    }
    SB_FUZZ_CHECK(header_bytes <= 2 * kHeaderLimit);
    (void)req.query_param("api_key");
    (void)req.bearer_token();
    for (auto offered : req.subprotocols()) {
      SB_FUZZ_CHECK(offered.empty() || (offered.front() != ' ' && offered.back() != ' '));
    }
    if (sb::ws::is_upgrade(req) && !sb::ws::check_upgrade(req)) {
      // An accepted upgrade offers version 13 and a key of 16 bytes in base64 (RFC 6455 4.2.1).
      auto key = req.header("sec-websocket-key");
      SB_FUZZ_CHECK(key.size() == 24 && key.substr(22) == "==");
      SB_FUZZ_CHECK(req.header("sec-websocket-version") == "13");
    }
  }
}
