#include <catch2/catch.hpp>

#include "protocols/native/codec.hpp"

using namespace sb;
using namespace sb::native;

namespace {

decode_failure failure_of(std::string_view text) {
  auto r = decode(text);
  REQUIRE(std::holds_alternative<decode_failure>(r));
  return std::get<decode_failure>(r);
}

request request_of(std::string_view text) {
  auto r = decode(text);
  REQUIRE(std::holds_alternative<request>(r));
  return std::get<request>(r);
}

}  // namespace

TEST_CASE("ping and echo decode with their ids kept as JSON text", "[native]") {
  auto p = request_of(R"({"type":"ping","id":"1"})");
  REQUIRE(std::holds_alternative<ping>(p));
  CHECK(std::get<ping>(p).id == R"("1")");

  auto numeric = request_of(R"({"id":42,"type":"ping"})");
  CHECK(std::get<ping>(numeric).id == "42");

  auto no_id = request_of(R"({"type":"ping"})");
  CHECK(std::get<ping>(no_id).id.empty());

  auto e = request_of(R"({"type":"echo","id":"x","text":"h\u00e9llo \"q\""})");
  REQUIRE(std::holds_alternative<echo>(e));
  CHECK(std::get<echo>(e).text == "h\xc3\xa9llo \"q\"");
}

TEST_CASE("malformed messages get stable codes", "[native]") {
  CHECK(failure_of("{nope").code == errc::bad_json);
  CHECK(failure_of("[1,2]").code == errc::bad_json);
  CHECK(failure_of(R"({"type":"echo","id":"e","text":"x","n":-1e999})").code == errc::bad_json);
  CHECK(failure_of(R"({"id":"7"})").code == errc::bad_request);
  CHECK(failure_of(R"({"id":"7"})").id == R"("7")");
  CHECK(failure_of(R"({"type":5})").code == errc::bad_request);
  CHECK(failure_of(R"({"type":"ping","id":{"a":1}})").code == errc::bad_request);
  CHECK(failure_of(R"({"type":"ping","id":1.5})").code == errc::bad_request);
  CHECK(failure_of(R"({"type":"ping","id":")" + std::string(129, 'i') + R"("})").code ==
        errc::bad_request);
  CHECK(failure_of(R"({"type":"echo","id":3})").code == errc::bad_request);
  auto unknown = failure_of(R"({"type":"teleport","id":"9"})");
  CHECK(unknown.code == errc::unknown_type);
  CHECK(unknown.id == R"("9")");
  CHECK(unknown.detail == R"(unknown message type "teleport")");
  // Deeply nested input stops at the parser's depth limit instead of recursing.
  CHECK(failure_of(std::string(100, '[') + std::string(100, ']')).code == errc::bad_json);
}

TEST_CASE("replies are encoded byte-exact", "[native]") {
  CHECK(encode_pong(R"("1")") == R"({"type":"pong","id":"1"})");
  CHECK(encode_pong("") == R"({"type":"pong"})");
  CHECK(encode_echo_ok("7", 12, 1700000000000000, "a\"b") ==
        R"({"type":"echo.ok","id":7,"note_id":12,"created_at_us":1700000000000000,"text":"a\"b"})");
  CHECK(encode_error(R"("2")", errc::unknown_type, "no") ==
        R"({"type":"error","id":"2","code":"unknown_type","message":"no"})");
  CHECK(encode_error("", errc::bad_json, "x") ==
        R"({"type":"error","code":"bad_json","message":"x"})");
}

TEST_CASE("presence.subscribe names users; its answer lists those followed", "[native][chat]") {
  auto r = request_of(R"({"type":"presence.subscribe","id":"p","userIds":["u1","u2"]})");
  REQUIRE(std::holds_alternative<presence_subscribe_request>(r));
  CHECK(std::get<presence_subscribe_request>(r).user_ids == std::vector<std::string>{"u1", "u2"});
  CHECK(failure_of(R"({"type":"presence.subscribe","id":"p"})").code == errc::bad_request);
  CHECK(failure_of(R"({"type":"presence.subscribe","id":"p","userIds":[]})").code ==
        errc::bad_request);
  CHECK(failure_of(R"({"type":"presence.subscribe","id":"p","userIds":"u1"})").code ==
        errc::bad_request);
  CHECK(failure_of(R"({"type":"presence.subscribe","id":"p","userIds":[""]})").code ==
        errc::bad_request);
  CHECK(failure_of(R"({"type":"presence.teleport","id":"p"})").code == errc::unknown_type);
  CHECK(encode_presence_subscribed(R"("p")", {"u1"}) ==
        R"({"type":"presence.subscribed","id":"p","userIds":["u1"]})");
}
