#include <catch2/catch.hpp>

#include "protocols/ws/message_reader.hpp"

using namespace sb::ws;
using kind = inbound_event::kind;

namespace {

// A client frame: masked with a fixed key.
std::string client_frame(uint8_t first_byte, std::string_view payload, bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((payload.size() >> s) & 0xFF));
  }
  const uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (size_t i = 0; i < payload.size(); ++i) {
    out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
  }
  return out;
}

std::vector<inbound_event> feed_all(message_reader& r, std::string_view bytes) {
  std::vector<inbound_event> out;
  r.feed(bytes, out);
  return out;
}

}  // namespace

TEST_CASE("a masked text frame becomes one message", "[ws]") {
  message_reader r(1024);
  auto ev = feed_all(r, client_frame(0x81, "Hello"));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].what == kind::message);
  CHECK(ev[0].op == opcode::text);
  CHECK(ev[0].payload == "Hello");
}

TEST_CASE("byte-by-byte input gives the same result as one chunk", "[ws]") {
  std::string stream = client_frame(0x81, std::string(300, 'a')) + client_frame(0x82, "bin") +
                       client_frame(0x89, "p");
  message_reader whole(1024);
  auto expected = feed_all(whole, stream);
  message_reader bytewise(1024);
  std::vector<inbound_event> got;
  for (char c : stream) bytewise.feed(std::string_view(&c, 1), got);
  REQUIRE(got.size() == expected.size());
  REQUIRE(got.size() == 3);
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].what == expected[i].what);
    CHECK(got[i].payload == expected[i].payload);
  }
  CHECK(got[1].op == opcode::binary);
  CHECK(got[2].what == kind::ping);
}

TEST_CASE("fragments reassemble around an interleaved ping", "[ws]") {
  message_reader r(1024);
  auto ev = feed_all(r, client_frame(0x01, "Hel") + client_frame(0x89, "x") +
                            client_frame(0x00, "lo ") + client_frame(0x80, "world"));
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].what == kind::ping);
  CHECK(ev[1].what == kind::message);
  CHECK(ev[1].payload == "Hello world");
}

TEST_CASE("oversized messages are discarded and reported, and reading goes on", "[ws]") {
  message_reader r(10);
  auto ev = feed_all(r, client_frame(0x81, std::string(11, 'x')) + client_frame(0x81, "ok"));
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].what == kind::oversized);
  CHECK(ev[0].size == 11);
  CHECK(ev[1].what == kind::message);
  CHECK(ev[1].payload == "ok");

  // Fragments that add up past the limit are caught too.
  message_reader f(10);
  auto frag = feed_all(f, client_frame(0x01, "123456") + client_frame(0x80, "789012"));
  REQUIRE(frag.size() == 1);
  CHECK(frag[0].what == kind::oversized);
  CHECK(frag[0].size == 12);
}

TEST_CASE("protocol violations end in an error with the close code", "[ws]") {
  auto first_error = [](std::string bytes) {
    message_reader r(1024);
    auto ev = feed_all(r, bytes);
    REQUIRE_FALSE(ev.empty());
    CHECK(r.failed());
    return ev.back();
  };
  CHECK(first_error(client_frame(0x81, "x", false)).code == 1002);  // unmasked
  CHECK(first_error(client_frame(0xC1, "x")).code == 1002);         // RSV1 set
  CHECK(first_error(client_frame(0x83, "x")).code == 1002);         // unknown opcode 3
  CHECK(first_error(client_frame(0x80, "x")).code == 1002);         // continuation first
  CHECK(first_error(client_frame(0x09, "x")).code == 1002);         // fragmented ping
  CHECK(first_error(client_frame(0x89, std::string(126, 'x'))).code == 1002);
  CHECK(first_error(client_frame(0x01, "a") + client_frame(0x81, "b")).code == 1002);
  CHECK(first_error(client_frame(0x81, "\xff")).code == 1007);  // not UTF-8
  CHECK(first_error(client_frame(0x88, "\x03")).code == 1002);  // 1-byte close payload
  CHECK(first_error(client_frame(0x88, std::string("\x03\xed", 2))).code == 1002);  // code 1005
}

TEST_CASE("close frames report their code and reason", "[ws]") {
  message_reader r(1024);
  auto ev = feed_all(r, client_frame(0x88, std::string("\x03\xe8", 2) + "bye"));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].what == kind::close);
  CHECK(ev[0].code == 1000);
  CHECK(ev[0].payload == "bye");
  message_reader empty(1024);
  auto none = feed_all(empty, client_frame(0x88, ""));
  REQUIRE(none.size() == 1);
  CHECK(none[0].code == 1005);
}

TEST_CASE("64-bit lengths are read", "[ws]") {
  message_reader r(100000);
  auto ev = feed_all(r, client_frame(0x82, std::string(70000, 'z')));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].payload.size() == 70000);
}
