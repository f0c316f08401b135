// Private (1:1) talk, private text with receipts, and the emergency broadcast, over real sockets.
#include <soci/soci.h>
#include <catch2/catch.hpp>

#include "tests/integration/ptt_fixture.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// A private audio frame: kind 0x01, flag 0x01 (private), recipient, Opus.
std::string private_frame(const std::string& to, const std::string& opus) {
  return std::string("\x01\x01", 2) + uuid_bytes(to) + opus;
}

// An emergency audio frame: flag 0x02; the 16 id bytes are ignored (zero here).
std::string emergency_frame(const std::string& opus) {
  return std::string("\x01\x02", 2) + std::string(16, '\0') + opus;
}

json::object send_and_wait(ws_client& c, const std::string& message, const std::string& type) {
  c.send_text(message);
  return next_of(c, type);
}

}  // namespace

TEST_CASE("private talk reaches only the named user and is recorded for the two of them",
          "[ptt][private]") {
  ptt_fixture f;
  auto [a_id, b_id, c_id] = f.members("a@ptt.test", "b@ptt.test", "c@ptt.test");
  auto [a, b, c] = f.connect_all("a@ptt.test", "b@ptt.test", "c@ptt.test");

  auto granted =
      send_and_wait(*a, R"({"type":"ptt.start","id":"p1","to":")" + b_id + R"("})", "ptt.granted");
  CHECK(granted.at("id") == "p1");
  CHECK(granted.at("to").as_string() == b_id);
  auto started = next_of(*b, "ptt.started");
  CHECK(started.at("private") == true);
  CHECK(started.at("from").as_string() == a_id);

  a->send_binary(private_frame(b_id, "whisper-1"));
  a->send_binary(private_frame(b_id, "whisper-2"));
  CHECK(next_audio(*b) == heard(b_id, a_id, "whisper-1", '\x01'));
  CHECK(next_audio(*b) == heard(b_id, a_id, "whisper-2", '\x01'));
  CHECK_FALSE(next_audio(*c, 300ms).has_value());  // a group member hears nothing

  auto stopped =
      send_and_wait(*a, R"({"type":"ptt.stop","id":"p2","to":")" + b_id + R"("})", "ptt.stop.ok");
  std::string message_id(stopped.at("message_id").as_string());
  CHECK(message_id.starts_with("1_3_" + b_id + "_" + a_id + "_"));
  CHECK(message_id.ends_with("ms.opus"));
  auto ended = next_of(*b, "ptt.ended");
  CHECK(ended.at("message_id").as_string() == message_id);
  CHECK(ended.at("private") == true);

  auto port = f.server.port();
  auto as_b = call(port, "GET", "/files/audio/" + message_id, f.token_of("b@ptt.test"));
  CHECK(as_b.status == 200);
  CHECK(as_b.body == "whisper-1whisper-2");
  CHECK(call(port, "GET", "/files/audio/" + message_id, f.token_of("c@ptt.test")).status == 404);
}

TEST_CASE("private talk to an unknown user, or one of another tenant, is denied",
          "[ptt][private]") {
  ptt_fixture f;
  f.member("a@ptt.test");
  auto a = f.connect("a@ptt.test");
  auto stranger = "00000000-0000-4000-8000-000000000001";
  auto denied = send_and_wait(
      *a, std::string(R"({"type":"ptt.start","id":"x","to":")") + stranger + R"("})", "ptt.denied");
  CHECK(denied.at("reason") == "unknown_user");
  a->send_text(std::string(R"({"type":"text","id":"t","to":")") + stranger +
               R"(","text":"hello?"})");
  auto error = next_of(*a, "error");
  CHECK(error.at("id") == "t");
  CHECK(error.at("code") == "not_found");
  // Audio without a START is dropped, and the session carries on.
  a->send_binary(private_frame(stranger, "lost"));
  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
}

TEST_CASE("private text is stored and forwarded; receipts reach the sender and are stored",
          "[ptt][private]") {
  ptt_fixture f;
  auto [a_id, b_id] = f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");

  auto ok = send_and_wait(
      *a, R"({"type":"text","id":"t1","to":")" + b_id + R"(","text":"meet at gate 4"})", "text.ok");
  std::string message_id(ok.at("message_id").as_string());
  CHECK(message_id.starts_with("1_17_" + b_id + "_" + a_id + "_"));
  auto got = next_of(*b, "text");
  CHECK(got.at("private") == true);
  CHECK(got.at("text") == "meet at gate 4");
  CHECK(got.at("message_id").as_string() == message_id);

  for (const char* status : {"delivered", "read"}) {
    auto receipt =
        send_and_wait(*b,
                      R"({"type":"receipt","id":"r","to":")" + a_id + R"(","message_id":")" +
                          message_id + R"(","status":")" + status + R"("})",
                      "receipt.ok");
    CHECK(receipt.at("id") == "r");
    auto heard = next_of(*a, "receipt");
    CHECK(heard.at("from").as_string() == b_id);
    CHECK(heard.at("message_id").as_string() == message_id);
    CHECK(heard.at("status") == status);
  }
  b->send_text(R"({"type":"receipt","id":"bad","to":")" + a_id + R"(","status":"seen"})");
  CHECK(next_of(*b, "error").at("code") == "bad_request");

  auto sql = f.db.connect();
  long long delivered = 0, read = 0;
  soci::indicator di, ri;
  *sql << "SELECT delivered_at_us, read_at_us FROM ptt_messages WHERE id = :id",
      soci::use(message_id), soci::into(delivered, di), soci::into(read, ri);
  CHECK(di == soci::i_ok);
  CHECK(ri == soci::i_ok);
  CHECK(read >= delivered);
  CHECK(delivered > 0);
}

TEST_CASE("an emergency broadcast takes every channel of the event, pre-empting talkers",
          "[ptt][emergency]") {
  ptt_fixture f;
  auto second = f.new_channel("Gate");
  f.member("a@ptt.test");
  f.member("b@ptt.test", "USER", {second});
  auto d_id = f.member("d@ptt.test", "DISPATCH");
  auto [a, b, d] = f.connect_all("a@ptt.test", "b@ptt.test", "d@ptt.test");

  auto refused = send_and_wait(
      *a, R"({"type":"emergency.start","id":"e0","event":")" + f.event + R"("})", "error");
  CHECK(refused.at("code") == "forbidden");

  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  auto started =
      send_and_wait(*d, R"({"type":"emergency.start","id":"e1","event":")" + f.event + R"("})",
                    "emergency.started");
  CHECK(started.at("id") == "e1");
  CHECK(started.at("channels").as_array().size() == 2);
  CHECK(next_of(*a, "ptt.released").at("reason") == "preempted");
  for (auto* listener : {a.get(), b.get()}) {
    auto heard = next_of(*listener, "ptt.started");
    CHECK(heard.at("emergency") == true);
    CHECK(heard.at("from").as_string() == d_id);
  }
  CHECK(start_talking(*a, f.channel, "a2").at("reason") == "busy");

  d->send_binary(emergency_frame("mayday"));
  auto heard_a = next_audio(*a);
  auto heard_b = next_audio(*b);
  REQUIRE(heard_a.has_value());
  REQUIRE(heard_b.has_value());
  CHECK(heard_a->ends_with(uuid_bytes(d_id) + "mayday"));
  CHECK(heard_b->substr(2, 16) == uuid_bytes(second));

  CHECK(send_and_wait(*d, R"({"type":"emergency.stop","id":"e2"})", "emergency.stop.ok").at("id") ==
        "e2");
  CHECK(next_of(*b, "ptt.ended").at("from").as_string() == d_id);
  CHECK(start_talking(*b, second).at("type") == "ptt.granted");
}
