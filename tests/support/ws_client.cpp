#include "tests/support/ws_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sb::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

struct ws_client::impl : std::enable_shared_from_this<ws_client::impl> {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;

  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> inbox;
  size_t received = 0;
  bool ended = false;
  std::optional<uint16_t> close_code;
  std::string subprotocol;

  void read_loop() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, size_t) {
      std::lock_guard guard{self->mutex};
      if (ec) {
        self->ended = true;
        if (ec == websocket::error::closed) self->close_code = self->ws.reason().code;
        self->cv.notify_all();
        return;
      }
      self->inbox.push_back(beast::buffers_to_string(self->buffer.data()));
      self->buffer.consume(self->buffer.size());
      ++self->received;
      self->cv.notify_all();
      net::post(self->ioc, [self] { self->read_loop(); });
    });
  }

  // Writes one message from the I/O thread and waits until it is sent.
  void write(const std::string& data, bool text) {
    std::promise<beast::error_code> done;
    net::post(ioc, [&] {
      ws.text(text);
      ws.async_write(net::buffer(data), [&](beast::error_code ec, size_t) { done.set_value(ec); });
    });
    if (auto ec = done.get_future().get()) throw std::runtime_error("write: " + ec.message());
  }
};

ws_client::ws_client(uint16_t port, options opts) : impl_(std::make_shared<impl>()) {
  auto& sock = beast::get_lowest_layer(impl_->ws).socket();
  sock.open(net::ip::tcp::v4());
  if (opts.receive_buffer_bytes > 0) {
    sock.set_option(net::socket_base::receive_buffer_size(opts.receive_buffer_bytes));
  }
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
  sock.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  impl_->ws.set_option(websocket::stream_base::decorator([h = opts.headers](auto& req) {
    for (const auto& [k, v] : h) req.set(k, v);
  }));
  websocket::response_type response;
  impl_->ws.handshake(response, "127.0.0.1:" + std::to_string(port), opts.target);
  impl_->subprotocol = std::string(response[beast::http::field::sec_websocket_protocol]);
  beast::get_lowest_layer(impl_->ws).expires_never();
  impl_->ws.read_message_max(64 * 1024 * 1024);
  if (opts.reading) impl_->read_loop();
  impl_->thread = std::thread([i = impl_] {
    auto guard = net::make_work_guard(i->ioc);
    i->ioc.run();
  });
}

std::string ws_client::subprotocol() const {
  return impl_->subprotocol;
}

ws_client::~ws_client() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // Closing the socket shows the server the drop and aborts the pending operations; running
  // their handlers once more releases the `impl_` they hold (else impl → ioc → handler → impl).
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
  impl_->ioc.restart();
  impl_->ioc.run();
}

void ws_client::send_text(const std::string& text) {
  impl_->write(text, true);
}

void ws_client::send_binary(const std::string& bytes) {
  impl_->write(bytes, false);
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  std::unique_lock lock{impl_->mutex};
  impl_->cv.wait_for(lock, timeout, [&] { return !impl_->inbox.empty() || impl_->ended; });
  if (impl_->inbox.empty()) return std::nullopt;
  auto msg = std::move(impl_->inbox.front());
  impl_->inbox.pop_front();
  return msg;
}

boost::json::value ws_client::read_json(std::chrono::milliseconds timeout) {
  auto msg = read(timeout);
  if (!msg) throw std::runtime_error("no WebSocket message within the timeout");
  return boost::json::parse(*msg);
}

void ws_client::start_reading() {
  net::post(impl_->ioc, [i = impl_] { i->read_loop(); });
}

std::optional<uint16_t> ws_client::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock{impl_->mutex};
  impl_->cv.wait_for(lock, timeout, [&] { return impl_->ended; });
  return impl_->close_code;
}

void ws_client::close(uint16_t code) {
  net::post(impl_->ioc, [i = impl_, code] {
    i->ws.async_close(websocket::close_reason(code), [](beast::error_code) {});
  });
}

size_t ws_client::received_count() const {
  std::lock_guard guard{impl_->mutex};
  return impl_->received;
}

}  // namespace sb::test
