#include "protocols/http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <regex>
#include <stdexcept>

namespace sb::http {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

struct url_parts {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

url_parts parse_url(const std::string& url) {
  static const std::regex re(R"(^(https?)://([^/:?#]+)(?::(\d+))?([^#]*)$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::runtime_error("not an http(s) URL: " + url);
  url_parts p;
  p.tls = m[1] == "https";
  p.host = m[2];
  p.port = m[3].matched ? std::string(m[3]) : (p.tls ? "443" : "80");
  p.target = m[4].length() ? std::string(m[4]) : "/";
  return p;
}

template <class Stream>
client_reply exchange(Stream& stream, const url_parts& u, const std::string& method,
                      const std::string& body, const std::map<std::string, std::string>& headers,
                      std::chrono::milliseconds timeout) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), u.target, 11};
  req.set(bhttp::field::host, u.host);
  req.set(bhttp::field::user_agent, "switchboard");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(timeout);
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1024 * 1024);
  bhttp::read(stream, buffer, parser);
  return {parser.get().result_int(), parser.get().body()};
}

}  // namespace

client_reply fetch(const std::string& method, const std::string& url, const std::string& body,
                   const std::map<std::string, std::string>& headers,
                   std::chrono::milliseconds timeout) {
  auto u = parse_url(url);
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  try {
    auto endpoints = resolver.resolve(u.host, u.port);
    if (!u.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      return exchange(stream, u, method, body, headers, timeout);
    }
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str())) {
      throw std::runtime_error("cannot set the TLS server name");
    }
    stream.set_verify_callback(net::ssl::host_name_verification(u.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(net::ssl::stream_base::client);
    return exchange(stream, u, method, body, headers, timeout);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(u.host + ": " + e.code().message());
  }
}

}  // namespace sb::http
