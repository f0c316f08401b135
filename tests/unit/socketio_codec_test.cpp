#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "config/ground/crypto.hpp"
#include "protocols/engineio/packet.hpp"
#include "protocols/socketio/packet.hpp"

using namespace sb;

TEST_CASE("Engine.IO payloads split on 0x1E, binary as padded base64", "[socketio]") {
  auto p = engineio::decode_payload(
      "4hello\x1e"
      "bAQIDBA==\x1e"
      "3");
  REQUIRE(p);
  REQUIRE(p->size() == 3);
  CHECK((*p)[0] == engineio::packet{engineio::packet_type::message, "hello", false});
  CHECK((*p)[1] == engineio::packet{engineio::packet_type::message, "\x01\x02\x03\x04", true});
  CHECK((*p)[2].type == engineio::packet_type::pong);
  CHECK(engineio::encode_polling((*p)[1]) == "bAQIDBA==");
  CHECK(engineio::encode_polling((*p)[0]) == "4hello");
}

TEST_CASE("malformed Engine.IO payloads are refused whole", "[socketio]") {
  CHECK_FALSE(engineio::decode_payload("abc"));
  CHECK_FALSE(engineio::decode_payload(""));
  CHECK_FALSE(engineio::decode_payload("4ok\x1e"));  // an empty packet after it
  CHECK_FALSE(
      engineio::decode_payload("4ok\x1e"
                               "7x"));                 // an unknown type
  CHECK_FALSE(engineio::decode_payload("bAQIDBA"));    // padding missing
  CHECK_FALSE(engineio::decode_payload("bAQIDBB=="));  // bits past the last byte
  CHECK(crypto::base64_decode("AQIDBA==") == std::string("\x01\x02\x03\x04"));
  CHECK_FALSE(crypto::base64_decode("AQ-DBA=="));
  // Bytes outside the alphabet are refused (libsodium alone reads 0xFF as '/').
  CHECK_FALSE(crypto::base64_decode("AQ\xff\xff"));
  CHECK_FALSE(engineio::decode_payload("bAQ\xff\xff"));
}

TEST_CASE("Socket.IO packets decode as the reference parser reads them", "[socketio]") {
  auto p = socketio::decode(
      R"(52-789["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  REQUIRE(p);
  CHECK(p->type == socketio::packet_type::binary_event);
  CHECK(p->attachments == 2);
  CHECK(p->nsp == "/");
  CHECK(p->id == 789u);
  CHECK(socketio::is_placeholder(p->data->as_array()[1], 2));
  CHECK_FALSE(socketio::is_placeholder(p->data->as_array()[1], 0));

  auto c = socketio::decode("0/custom");
  REQUIRE(c);
  CHECK(c->type == socketio::packet_type::connect);
  CHECK(c->nsp == "/custom");
  CHECK_FALSE(c->data);
  CHECK(socketio::encode(*c) == "0/custom,");

  auto a = socketio::decode(R"(3/admin,13["bar"])");
  REQUIRE(a);
  CHECK(a->nsp == "/admin");
  CHECK(a->id == 13u);
  CHECK(socketio::encode(*a) == R"(3/admin,13["bar"])");
}

TEST_CASE("Socket.IO packets with the wrong shape are refused", "[socketio]") {
  CHECK_FALSE(socketio::decode("abc"));           // unknown type
  CHECK_FALSE(socketio::decode("2{}"));           // an event must be an array
  CHECK_FALSE(socketio::decode(R"(2abc["x"])"));  // not an ack id, not JSON
  CHECK_FALSE(socketio::decode("2[]"));           // no event name
  // A number no double holds: Boost.JSON would read infinity and write `Infinity`, not JSON.
  CHECK_FALSE(socketio::decode(R"(2["x",1e999])"));
  CHECK(socketio::decode(R"(2["x",1e300])"));
  CHECK_FALSE(socketio::decode(R"(2["disconnect"])"));         // a reserved name
  CHECK_FALSE(socketio::decode("2[true]"));                    // a name that is not a string
  CHECK_FALSE(socketio::decode(R"(1{"x":1})"));                // DISCONNECT carries nothing
  CHECK_FALSE(socketio::decode(R"(0["x"])"));                  // CONNECT carries an object
  CHECK_FALSE(socketio::decode(R"(5-["x"])"));                 // no attachment count
  CHECK_FALSE(socketio::decode(R"(565-["x"])"));               // over max_attachments
  CHECK_FALSE(socketio::decode(R"(29007199254740993["x"])"));  // an id past 2^53
  CHECK(socketio::decode(R"(29007199254740992["x"])"));
  CHECK(socketio::decode(R"(2[1,"numeric names are allowed"])"));
}
