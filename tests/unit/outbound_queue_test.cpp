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
