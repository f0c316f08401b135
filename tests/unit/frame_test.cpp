#include <catch2/catch.hpp>

#include "protocols/ws/frame.hpp"
#include "protocols/ws/handshake.hpp"

using namespace sb::ws;
using sb::is_valid_utf8;

TEST_CASE("frames use the shortest length encoding", "[ws]") {
  CHECK(encode_frame(opcode::text, "hi") == std::string("\x81\x02hi", 4));
  auto f125 = encode_frame(opcode::binary, std::string(125, 'x'));
  CHECK(f125.size() == 127);
  CHECK(static_cast<uint8_t>(f125[1]) == 125);
  auto f126 = encode_frame(opcode::text, std::string(126, 'x'));
  CHECK(f126.substr(0, 4) == std::string("\x81\x7e\x00\x7e", 4));
  auto f65535 = encode_frame(opcode::text, std::string(65535, 'x'));
  CHECK(f65535.substr(1, 3) == std::string("\x7e\xff\xff", 3));
  auto f65536 = encode_frame(opcode::text, std::string(65536, 'x'));
  CHECK(f65536.substr(1, 9) == std::string("\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 9));
  CHECK(f65536.size() == 65536 + 10);
  CHECK(encode_frame(opcode::text, "ab", false)[0] == '\x01');
}

TEST_CASE("close frames carry a big-endian code and a bounded reason", "[ws]") {
  auto f = close_frame(4001, "slow consumer");
  CHECK(*f == std::string("\x88\x0f\x0f\xa1slow consumer", 17));
  auto long_reason = close_frame(1000, std::string(300, 'r'));
  CHECK(long_reason->size() == 2 + 125);
  // A reason cut in the middle of a multi-byte character is shortened to stay UTF-8.
  std::string euros;
  for (int i = 0; i < 60; ++i) euros += "\xe2\x82\xac";
  auto cut = close_frame(1000, euros);
  CHECK(is_valid_utf8(cut->substr(4)));
  CHECK(cut->size() <= 127);
}

TEST_CASE("UTF-8 validation rejects what RFC 3629 forbids", "[ws]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xc3\xa9t\xc3\xa9"));       // été
  CHECK(is_valid_utf8("\xf0\x9f\x93\x9e"));        // 📞
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));              // stray continuation
  CHECK_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("the handshake accept key follows RFC 6455", "[ws]") {
  // The example of RFC 6455 §1.3.
  CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  auto resp = switching_protocols("dGhlIHNhbXBsZSBub25jZQ==", "");
  CHECK(resp ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_CASE("upgrade requests are checked before switching", "[ws]") {
  sb::http::request req;
  req.method = "GET";
  req.path = "/ws";
  req.headers = {{"upgrade", "websocket"},
                 {"connection", "keep-alive, Upgrade"},
                 {"sec-websocket-version", "13"},
                 {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  CHECK(is_upgrade(req));
  CHECK_FALSE(check_upgrade(req).has_value());

  auto old_version = req;
  old_version.headers[2].second = "8";
  auto refusal = check_upgrade(old_version);
  REQUIRE(refusal);
  CHECK(refusal->status == 426);
  // The problem body agrees with the status line.
  CHECK(refusal->body.find(R"("status":426)") != std::string::npos);
  CHECK(refusal->body.find(R"("code":"upgrade_required")") != std::string::npos);

  auto bad_key = req;
  bad_key.headers[3].second = "short";
  REQUIRE(check_upgrade(bad_key));
  CHECK(check_upgrade(bad_key)->status == 400);

  auto post = req;
  post.method = "POST";
  CHECK_FALSE(is_upgrade(post));
}
