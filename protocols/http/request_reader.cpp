#include "protocols/http/request_reader.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <optional>

namespace sb::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr size_t kReadChunk = 64 * 1024;

/// Beast's request parser, with its trailer bounded: Beast limits the header but not the
/// fields of a chunked body's trailer, and inserting a field over 64 KiB throws from inside
/// the parser. Trailer fields share the header limit here.
class bounded_parser final : public bhttp::request_parser<bhttp::string_body> {
 public:
  bounded_parser(uint64_t header_limit, uint64_t body_limit) : trailer_budget_(header_limit) {
    this->header_limit(static_cast<uint32_t>(std::min<uint64_t>(header_limit, UINT32_MAX)));
    this->body_limit(body_limit);
    eager(true);
  }

 private:
  void on_header_impl(beast::error_code& ec) override {
    in_trailer_ = true;  // every field from now on belongs to the trailer
    ec = {};
  }

  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code& ec) override {
    if (in_trailer_) {
      auto size = name_string.size() + value.size() + 4;  // ": " and CRLF
      if (size > trailer_budget_) {
        ec = bhttp::error::header_limit;
        return;
      }
      trailer_budget_ -= size;
    }
    get().insert(name, name_string, value);
  }

  uint64_t trailer_budget_;
  bool in_trailer_ = false;
};

request to_request(const bhttp::request<bhttp::string_body>& in) {
  request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto q = out.target.find('?');
  out.path = out.target.substr(0, q);
  if (q != std::string::npos) out.query = out.target.substr(q + 1);
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = in.body();
  return out;
}

}  // namespace

struct request_reader::state {
  state(uint64_t header_limit, uint64_t body_limit)
      : header_limit(header_limit), body_limit(body_limit), buffer(header_limit + kReadChunk) {
    restart();
  }
  void restart() { parser.emplace(header_limit, body_limit); }

  uint64_t header_limit;
  uint64_t body_limit;
  beast::flat_buffer buffer;
  std::optional<bounded_parser> parser;
};

request_reader::request_reader(uint64_t header_limit, uint64_t body_limit)
    : state_(std::make_unique<state>(header_limit, body_limit)) {}

request_reader::~request_reader() = default;

boost::asio::mutable_buffer request_reader::prepare() {
  auto& buffer = state_->buffer;
  return buffer.prepare(std::min(kReadChunk, buffer.max_size() - buffer.size()));
}

void request_reader::commit(size_t n) {
  state_->buffer.commit(n);
}

request_reader::result request_reader::parse() {
  auto& buffer = state_->buffer;
  auto& parser = *state_->parser;
  failure_.clear();
  while (buffer.size() > 0) {
    beast::error_code ec;
    size_t used = 0;
    // Anything the parser throws ends this request only.
    try {
      used = parser.put(buffer.data(), ec);
    } catch (const std::exception& e) {
      failure_ = e.what();
      return result::malformed;
    }
    buffer.consume(used);
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::body_limit) return result::body_too_large;
    if (ec == bhttp::error::header_limit) return result::header_too_large;
    if (ec) return result::malformed;
    if (parser.is_done()) return result::complete;
    if (used == 0) break;
  }
  // A full buffer holds an unfinished header or trailer.
  if (buffer.size() >= buffer.max_size()) return result::header_too_large;
  return result::need_more;
}

request_reader::complete_request request_reader::take() {
  auto& in = state_->parser->get();
  complete_request out{to_request(in), in.keep_alive()};
  state_->restart();
  return out;
}

std::string request_reader::take_leftover() {
  auto data = state_->buffer.data();
  std::string out(static_cast<const char*>(data.data()), data.size());
  state_->buffer.clear();
  return out;
}

void request_reader::discard() {
  state_->buffer.clear();
}

}  // namespace sb::http
