// The server the official Engine.IO and Socket.IO conformance suites run against
// (../shared/conformance/README.md): Switchboard's own transport code (protocols/engineio,
// protocols/socketio, protocols/server) configured as the suites' reference servers, with
// their echo handlers. Prints "listening on <port>" once it accepts connections.
// Usage: conformance_server [port]   (0, the default, picks a free port)
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "protocols/engineio/server.hpp"
#include "protocols/server.hpp"
#include "protocols/socketio/connection.hpp"

using namespace sb;

namespace {

engineio::options reference_options(std::string path) {
  engineio::options o;
  o.path = std::move(path);
  o.ping_interval = std::chrono::milliseconds(300);
  o.ping_timeout = std::chrono::milliseconds(200);
  o.max_payload = 1'000'000;
  return o;
}

/// Engine.IO suite: every message goes back as it came.
class echo final : public engineio::handler {
 public:
  explicit echo(engineio::socket_ptr s) : socket_(std::move(s)) {}
  void on_message(std::string data, bool binary) override {
    socket_->send(binary ? engineio::message::binary(data) : engineio::message::text(data));
  }
  void on_closed(std::string_view) override { socket_.reset(); }

 private:
  engineio::socket_ptr socket_;
};

/// Socket.IO suite: "auth" on connect to / and /custom, "message" → "message-back",
/// "message-with-ack" → the ack, both with the same arguments and attachments.
class echo_app final : public socketio::application {
 public:
  echo_app(boost::asio::io_context& ioc, std::shared_ptr<socketio::connection> c)
      : ioc_(ioc), conn_(std::move(c)) {}

  void on_connect(const std::string& nsp, boost::json::object auth) override {
    if (nsp != "/" && nsp != "/custom") return conn_->reject(nsp, "Invalid namespace");
    conn_->accept(nsp);
    // The suite waits for the CONNECT reply and "auth" with two one-shot listeners in turn, so
    // a client that reads both in one chunk misses "auth" (the Node server, whose transport
    // holds a second write until the first completes, rarely sends them together). "auth"
    // therefore goes out a little later, in a write of its own.
    auto timer = std::make_shared<boost::asio::steady_timer>(ioc_, std::chrono::milliseconds(10));
    timer->async_wait([timer, conn = conn_, nsp, auth = std::move(auth)](auto) {
      conn->emit(nsp, boost::json::array{"auth", auth});
    });
  }
  void on_event(socketio::incoming ev) override {
    auto name = ev.args.front();
    ev.args.erase(ev.args.begin());
    if (name == "message") {
      ev.args.insert(ev.args.begin(), "message-back");
      conn_->emit(ev.nsp, ev.args, std::nullopt, ev.attachments);
    } else if (name == "message-with-ack" && ev.id) {
      conn_->ack(ev.nsp, *ev.id, ev.args, ev.attachments);
    }
  }
  void on_ack(socketio::incoming) override {}
  void on_disconnect(const std::string&, std::string_view) override {}

 private:
  boost::asio::io_context& ioc_;
  std::shared_ptr<socketio::connection> conn_;
};

}  // namespace

int main(int argc, char** argv) {
  auto port = static_cast<uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  boost::asio::io_context ioc{2};
  config::http_config http;
  config::ws_config ws;
  ws.max_message_bytes = 1'000'000;  // maxPayload
  socketio::options sio;
  sio.connect_timeout = std::chrono::milliseconds(1'000);
  engineio::server engine(ioc, reference_options("/engine.io/"),
                          [](engineio::socket_ptr s, const http::request&) {
                            return std::make_shared<echo>(std::move(s));
                          });
  engineio::server socket_io(
      ioc, reference_options("/socket.io/"),
      socketio::serve(ioc, sio,
                      [&ioc](std::shared_ptr<socketio::connection> c, const http::request&) {
                        return std::make_shared<echo_app>(ioc, std::move(c));
                      }));
  auto endpoint_for = [&](const std::string& path) -> engineio::server* {
    if (engine.handles(path)) return &engine;
    if (socket_io.handles(path)) return &socket_io;
    return nullptr;
  };
  protocols::server server(ioc, http, ws,
                           {[&](http::request req, http::responder respond) {
                              if (auto* e = endpoint_for(req.path))
                                return e->on_request(req, std::move(respond));
                              respond(http::response::text(404, "not found", "text/plain"));
                            },
                            [&](http::request req, protocols::upgrade_responder respond) {
                              if (auto* e = endpoint_for(req.path))
                                return e->on_upgrade(req, std::move(respond));
                              respond(http::response::text(404, "not found", "text/plain"));
                            }});
  auto bound = server.listen("127.0.0.1", port);
  std::printf("listening on %u\n", static_cast<unsigned>(bound));
  std::fflush(stdout);
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
}
