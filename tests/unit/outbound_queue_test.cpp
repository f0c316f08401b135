#include <catch2/catch.hpp>

#include "protocols/ws/outbound_queue.hpp"

using namespace sb::ws;
using result = outbound_queue::push_result;

namespace {
frame_ptr bytes(size_t n) {
  return std::make_shared<const std::string>(n, 'x');
}
}  // namespace

TEST_CASE("the queue counts bytes until their write completes", "[ws]") {
  outbound_queue q(100, 50);
  CHECK(q.push(bytes(30), delivery::reliable) == result::queued);
  CHECK(q.push(bytes(30), delivery::reliable) == result::queued);
  CHECK(q.bytes() == 60);
  std::vector<frame_ptr> taken;
  q.take_all(taken);
  CHECK(taken.size() == 2);
  CHECK(q.empty());
  CHECK(q.bytes() == 60);  // in flight still counts
  q.written(60);
  CHECK(q.bytes() == 0);
}

TEST_CASE("droppable frames go first, then the hard limit overflows", "[ws]") {
  outbound_queue q(100, 50);
  CHECK(q.push(bytes(40), delivery::droppable) == result::queued);
  CHECK(q.push(bytes(20), delivery::droppable) == result::dropped);  // 60 > 50
  CHECK(q.push(bytes(50), delivery::reliable) == result::queued);    // 90 <= 100
  CHECK(q.push(bytes(20), delivery::reliable) == result::overflow);  // 110 > 100
  CHECK(q.bytes() == 90);
  q.push_control(bytes(10));  // control frames ignore limits
  CHECK(q.bytes() == 100);
  q.clear();
  CHECK(q.bytes() == 0);
}

TEST_CASE("a pong waiting in the queue is replaced by the next one", "[ws]") {
  outbound_queue q(1000, 500);
  q.push_pong(std::make_shared<const std::string>("pong-1"));
  q.push(bytes(10), delivery::reliable);
  for (int i = 2; i <= 1000; ++i) {
    q.push_pong(std::make_shared<const std::string>("pong-" + std::to_string(i)));
  }
  CHECK(q.bytes() == 10 + std::string("pong-1000").size());
  std::vector<frame_ptr> taken;
  q.take_all(taken);
  REQUIRE(taken.size() == 2);
  CHECK(*taken[0] == "pong-1000");  // in the first pong's place
  // Once taken (being written), the next pong queues anew.
  q.push_pong(std::make_shared<const std::string>("pong-next"));
  taken.clear();
  q.take_all(taken);
  REQUIRE(taken.size() == 1);
  CHECK(*taken[0] == "pong-next");
}

TEST_CASE("a pinned frame survives clear until it is taken", "[ws]") {
  outbound_queue q(1000, 500);
  q.push_control(std::make_shared<const std::string>("HTTP/1.1 101"), true);
  q.push(bytes(10), delivery::reliable);
  q.clear();  // e.g. a protocol error in the bytes that came with the upgrade
  q.push_control(std::make_shared<const std::string>("close"));
  std::vector<frame_ptr> taken;
  q.take_all(taken);
  REQUIRE(taken.size() == 2);
  CHECK(*taken[0] == "HTTP/1.1 101");
  CHECK(*taken[1] == "close");
  q.push_control(std::make_shared<const std::string>("later"));
  q.clear();
  CHECK(q.empty());
}
