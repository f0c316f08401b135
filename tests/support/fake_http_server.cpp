#include "tests/support/fake_http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sb::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct fake_http_server::impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  handler h;
  mutable std::mutex mutex;
  std::vector<request> seen;
  std::atomic<bool> stopping{false};

  void serve(tcp::socket socket) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      request r{std::string(req.method_string()), std::string(req.target()), req.body(),
                std::string(req[http::field::authorization])};
      {
        std::lock_guard g(mutex);
        seen.push_back(r);
      }
      auto answer = h(r);
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = answer.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }
};

fake_http_server::fake_http_server(handler h) : impl_(std::make_shared<impl>()) {
  impl_->h = std::move(h);
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([state = impl_] {
    while (!state->stopping) {
      beast::error_code ec;
      tcp::socket socket(state->ioc);
      state->acceptor.accept(socket, ec);
      if (ec || state->stopping) return;
      state->serve(std::move(socket));  // one client at a time is enough for tests
    }
  });
}

fake_http_server::~fake_http_server() {
  impl_->stopping = true;
  // Wake the blocking accept with a connection of our own.
  beast::error_code ec;
  net::io_context ioc;
  tcp::socket poke(ioc);
  poke.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  poke.close(ec);
  thread_.join();
}

std::vector<fake_http_server::request> fake_http_server::requests() const {
  std::lock_guard g(impl_->mutex);
  return impl_->seen;
}

}  // namespace sb::test
