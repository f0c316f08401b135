#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace loadgen {

using ws_stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;

/// Connects `ws` to `ep` and upgrades at /ws with `token` as a bearer token, then runs
/// `opened()`; throws on failure. `keep` (the stream's owner) stays alive meanwhile.
inline void open_ws(ws_stream& ws, boost::asio::ip::tcp::endpoint ep, const std::string& host,
                    const std::string& token, std::shared_ptr<void> keep,
                    std::function<void()> opened) {
  namespace beast = boost::beast;
  beast::get_lowest_layer(ws).async_connect(
      ep, [&ws, host, token, keep, opened](beast::error_code ec) {
        if (ec) throw std::runtime_error("connect: " + ec.message());
        // Small frames at a steady pace: Nagle would hold each one until the last is ACKed.
        beast::get_lowest_layer(ws).socket().set_option(boost::asio::ip::tcp::no_delay(true));
        ws.set_option(beast::websocket::stream_base::decorator(
            [token](auto& req) { req.set(beast::http::field::authorization, "Bearer " + token); }));
        ws.async_handshake(host, "/ws", [keep, opened](beast::error_code ec2) {
          if (ec2) throw std::runtime_error("handshake: " + ec2.message());
          opened();
        });
      });
}

}  // namespace loadgen
