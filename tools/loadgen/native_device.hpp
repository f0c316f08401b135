#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/ws_open.hpp"

namespace loadgen {

/// A benchmark user's native WebSocket (/ws): connected, ready once its ping is answered (its
/// session is registered, so calls and chat reach it), then every message read goes to
/// on_message with its arrival time. Writes go out one at a time, in order.
class native_device : public std::enable_shared_from_this<native_device> {
 public:
  using clock_type = std::chrono::steady_clock;

  native_device(boost::asio::io_context& ioc, std::string host, std::string token)
      : ws_(ioc), host_(std::move(host)), token_(std::move(token)) {}
  virtual ~native_device() = default;

  void connect(boost::asio::ip::tcp::endpoint ep, std::function<void()> ready) {
    auto self = shared_from_this();
    open_ws(ws_, ep, host_, token_, self, [self, ready] {
      self->read();
      self->on_ready_ = ready;
      self->write(R"({"type":"ping","id":"ready"})");
    });
  }

  void close() {
    ws_.async_close(boost::beast::websocket::close_code::normal,
                    [self = shared_from_this()](auto) {});
  }

 protected:
  void write(std::string text) { writes_.push(ws_, std::move(text), false, shared_from_this()); }

  /// A message other than the readiness pong: its JSON, and its text (for error reports).
  virtual void on_message(const boost::json::object& m, std::string_view text,
                          clock_type::time_point now) = 0;

 private:
  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::beast::error_code ec, size_t) {
      if (ec) return;
      auto now = clock_type::now();
      auto data = self->buf_.data();
      std::string_view text(static_cast<const char*>(data.data()), data.size());
      auto m = boost::json::parse(text).as_object();
      if (m.at("type") == "pong" && self->on_ready_) {
        auto ready = std::move(self->on_ready_);
        self->on_ready_ = nullptr;
        ready();
      } else {
        self->on_message(m, text, now);
      }
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  ws_stream ws_;
  std::string host_;
  std::string token_;
  boost::beast::flat_buffer buf_;
  write_queue writes_;
  std::function<void()> on_ready_;
};

}  // namespace loadgen
