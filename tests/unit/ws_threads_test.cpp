// The WebSocket connection written from many threads at once, as actors write to it: frames
// go out from the sender's thread while no write is under way (write-through, under the
// connection's lock) and from the strand otherwise, and a close arrives from yet another
// thread. A real listener and a real client over loopback, no actors: ThreadSanitizer sees
// every synchronization here (docs/reliability.md).

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <thread>

#include "protocols/server.hpp"
#include "tests/support/ws_client.hpp"

namespace sb::test {

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

constexpr int kSenders = 4;
constexpr int kFramesEach = 500;

/// On the first message, starts kSenders threads that each send kFramesEach numbered text
/// frames through the connection's outbound side; the last to finish closes it.
class fan_in_handler final : public ws::handler {
 public:
  explicit fan_in_handler(ws::outbound_ptr out) : out_(std::move(out)) {}
  ~fan_in_handler() override {
    for (auto& t : threads_) t.join();
  }

  void on_message(ws::opcode, std::string) override {
    if (!threads_.empty()) return;  // on the connection's strand: no race with itself
    for (int s = 0; s < kSenders; ++s) {
      threads_.emplace_back([out = out_, s, left = &left_] {
        for (int i = 0; i < kFramesEach; ++i) {
          out->send(ws::text_frame(std::to_string(s) + ":" + std::to_string(i)));
        }
        if (left->fetch_sub(1) == 1) out->close(1000, "done");
      });
    }
  }
  void on_oversized(ws::opcode, uint64_t) override {}
  void on_closed(uint16_t) override {}

 private:
  ws::outbound_ptr out_;
  std::atomic<int> left_{kSenders};
  std::vector<std::thread> threads_;
};

}  // namespace

TEST_CASE("frames sent from many threads arrive whole, in each sender's order, then the close",
          "[ws][threads]") {
  net::io_context ioc;
  config::http_config http;
  config::ws_config wsc;
  wsc.outbound_queue_bytes = 64 * 1024 * 1024;  // the client reads; nothing may overflow
  protocols::server server(
      ioc, http, wsc,
      {[](http::request, http::responder respond) { respond(http::response::json(404, "{}")); },
       [](http::request, protocols::upgrade_responder respond) {
         respond(protocols::ws_accept{
             [](ws::outbound_ptr out) { return std::make_shared<fan_in_handler>(out); }, ""});
       }});
  auto port = server.listen("127.0.0.1", 0);
  std::vector<std::thread> io;
  auto work = net::make_work_guard(ioc);
  for (int i = 0; i < 2; ++i) io.emplace_back([&] { ioc.run(); });

  {
    ws_client::options o;
    o.target = "/threads";
    ws_client client(port, o);
    client.send_text("go");
    std::map<int, int> next;  // sender → the number its next frame must carry
    int received = 0;
    while (received < kSenders * kFramesEach) {
      auto frame = client.read(10s);
      REQUIRE(frame);
      auto colon = frame->find(':');
      REQUIRE(colon != std::string::npos);
      int sender = std::stoi(frame->substr(0, colon));
      int number = std::stoi(frame->substr(colon + 1));
      CHECK(number == next[sender]);
      next[sender] = number + 1;
      ++received;
    }
    CHECK(client.wait_closed(10s) == std::optional<uint16_t>(1000));
  }
  server.close_websockets(1001, "");
  server.stop_accepting();
  work.reset();
  ioc.stop();
  for (auto& t : io) t.join();
}

}  // namespace sb::test
