#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "protocols/ws/connection.hpp"
#include "tests/support/raw_ws.hpp"

namespace sb::test {

/// A connection that keeps what an actor wrote to it: text frames as JSON, binary ones counted.
class recording_outbound final : public ws::outbound {
 public:
  explicit recording_outbound(std::string id) : id_(std::move(id)) {}
  bool send(ws::frame_ptr frame, ws::delivery) override {
    auto f = read_server_frame(*frame);
    if (!f) return false;
    if (f->first.opcode == 0x2) {
      ++binary;
    } else {
      events.push_back(boost::json::parse(f->first.payload).as_object());
    }
    return true;
  }
  bool queue(ws::frame_ptr frame, ws::delivery d) override { return send(std::move(frame), d); }
  void flush() override {}
  void close(uint16_t, std::string) override {}
  std::string_view id() const override { return id_; }

  /// The types of the control events received so far, then forgets them.
  std::vector<std::string> take() {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(e.at("type").as_string());
    events.clear();
    return out;
  }

  std::vector<boost::json::object> events;
  size_t binary = 0;

 private:
  std::string id_;
};

}  // namespace sb::test
