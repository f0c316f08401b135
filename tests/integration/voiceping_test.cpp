// The VoicePing-compatible listener, byte by byte, against a running node: the frames the
// original router's clients send and expect (docs/protocol.md, VoicePing), mixed with native
// clients in the same talk group.
#include <catch2/catch.hpp>

#include "tests/integration/voiceping_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("VoicePing clients talk in a group byte-exactly, and native members hear them",
          "[ptt][voiceping]") {
  ptt_fixture f;
  auto [a, b, c] = f.members("a@vp.test", "b@vp.test", "c@vp.test");
  auto va = vp_user(f, "a@vp.test", a);
  auto vb = vp_user(f, "b@vp.test", b);
  auto nc = f.connect("c@vp.test");
  const auto A = mp::str(a), B = mp::str(b), C = mp::str(c), CH = mp::str(f.channel);
  const auto clock = mp::uint(1700000000000);

  // START: the talker's ACK carries its payload as a string; listeners get it as sent.
  va->send_binary(mp::arr({G, mp::uint(1), A, CH, clock}));
  CHECK(next_frame(*va) == mp::arr({G, mp::uint(6), A, CH, mp::str("1700000000000")}));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(1), A, CH, clock}));
  CHECK(next_of(*nc, "ptt.started").at("from").as_string() == a);

  va->send_binary(mp::arr({G, mp::uint(3), A, CH, mp::bin("\xf8\xff\xfe")}));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(3), A, CH, mp::bin("\xf8\xff\xfe")}));
  CHECK(next_audio(*nc) == heard(f.channel, a, "\xf8\xff\xfe"));

  // Busy; a denied user's STOP (as the SDK sends it, four elements) does not free the floor.
  vb->send_binary(mp::arr({G, mp::uint(1), B, CH, mp::uint(5)}));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(8), B, CH, mp::str("Busy")}));
  vb->send_binary(mp::arr({G, mp::uint(2), B, CH}));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(7), B, CH, mp::str("Acknowledged")}));
  va->send_binary(mp::arr({G, mp::uint(3), A, CH, mp::bin("more")}));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(3), A, CH, mp::bin("more")}));

  // STOP: acknowledged with the recording's id once committed; listeners get its JSON.
  va->send_binary(mp::arr({G, mp::uint(2), A, CH}));
  auto id = acked_id(next_frame(*va), "\x96" + G + mp::uint(7) + A + CH);
  CHECK(id.starts_with("0_3_" + f.channel + "_" + a + "_"));
  auto stop_json = R"({"duration":)" + duration_of(id) + R"(,"message_id":")" + id + R"("})";
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(2), A, CH, mp::str(stop_json)}));
  CHECK(next_of(*nc, "ptt.ended").at("message_id").as_string() == id);

  // The SDK's download URL, on the VoicePing port, with the VoicePing token.
  auto file = http_request(f.server.voiceping_port(), "GET", "/files/audio/" + id, {},
                           {{"token", router_token(f, "b@vp.test")}});
  CHECK(file.status == 200);
  CHECK(file.body ==
        "\xf8\xff\xfe"
        "more");

  // A native talker is heard by VoicePing listeners; its START payload is the server clock.
  CHECK(start_talking(*nc, f.channel).at("type") == "ptt.granted");
  auto start = next_frame(*vb);
  CHECK(start.substr(0, 3 + C.size() + CH.size() + 1) ==
        "\x95" + G + mp::uint(1) + C + CH + "\xcf");
  nc->send_binary(audio_frame(f.channel, "xyz"));
  CHECK(next_frame(*vb) == mp::arr({G, mp::uint(3), C, CH, mp::bin("xyz")}));
  stop_talking(*nc, f.channel);

  // TEXT: stored, TEXT_ACK with the id, forwarded as {"message_id":…,"text":…}.
  va->send_binary(mp::arr({G, mp::uint(17), A, CH, mp::str(R"({"text":"hi"})")}));
  auto text_id = acked_id(next_of_type(*va, G, 22), "\x96" + G + mp::uint(22) + A + CH);
  CHECK(text_id.starts_with("0_17_" + f.channel + "_" + a + "_"));
  CHECK(next_of_type(*vb, G, 17) ==
        mp::arr({G, mp::uint(17), A, CH,
                 mp::str(R"({"message_id":")" + text_id + R"(","text":"hi"})")}));
  CHECK(next_of(*nc, "text").at("text") == "hi");
}

TEST_CASE("a talk group's channel is a conversation: PTT texts and chat are one log",
          "[ptt][voiceping][chat]") {
  ptt_fixture f;
  auto [a, b, c] = f.members("a@vp.test", "b@vp.test", "c@vp.test");
  auto d = f.outsider("d@vp.test");
  auto va = vp_user(f, "a@vp.test", a);
  auto nb = f.connect("b@vp.test");
  const auto A = mp::str(a), B = mp::str(b), C = mp::str(c), CH = mp::str(f.channel);
  const auto history = "/api/v1/chat/conversations/" + f.channel + "/messages";

  // A VoicePing TEXT is the conversation's first message, under its VoicePing id: a native
  // member hears it as a talk-group text and as a chat message.
  va->send_binary(mp::arr({G, mp::uint(17), A, CH, mp::str(R"({"text":"hi"})")}));
  auto text_id = acked_id(next_of_type(*va, G, 22), "\x96" + G + mp::uint(22) + A + CH);
  CHECK(text_id.starts_with("0_17_" + f.channel + "_" + a + "_"));
  auto both = next_of_each(*nb, {"text", "chat.message"});
  CHECK(both["text"].at("message_id") == text_id.c_str());
  auto heard = both["chat.message"].at("message").as_object();
  CHECK(heard.at("id") == text_id.c_str());
  CHECK(heard.at("seq") == 1);
  CHECK(heard.at("conversationId") == f.channel.c_str());

  // A native chat message to the channel: acknowledged with the next seq, and the VoicePing
  // listener gets it as a TEXT, byte-exactly as from a VoicePing sender.
  nb->send_text(json::serialize(
      json::object{{"type", "chat.send"}, {"id", "s1"}, {"to", f.channel}, {"content", "copy"}}));
  auto sent = next_of(*nb, "chat.sent").at("message").as_object();
  CHECK(sent.at("seq") == 2);
  auto native_id = std::string(sent.at("id").as_string());
  CHECK(native_id.starts_with("0_17_" + f.channel + "_" + b + "_"));
  CHECK(next_of_type(*va, G, 17) ==
        mp::arr({G, mp::uint(17), B, CH,
                 mp::str(R"({"message_id":")" + native_id + R"(","text":"copy"})")}));

  // Over REST, by a member with no connection: the same log, and the same fan-out.
  auto posted = call(f.server.port(), "POST", history, f.token_of("c@vp.test"),
                     json::object{{"content", "rest"}});
  REQUIRE(posted.status == 201);
  auto rest_id = std::string(posted.json().at("data").at("id").as_string());
  CHECK(next_of_type(*va, G, 17) ==
        mp::arr({G, mp::uint(17), C, CH,
                 mp::str(R"({"message_id":")" + rest_id + R"(","text":"rest"})")}));

  auto page = call(f.server.port(), "GET", history, f.token_of("c@vp.test"));
  REQUIRE(page.status == 200);
  auto messages = page.json().at("data").at("messages").as_array();
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].at("id") == text_id.c_str());
  CHECK(messages[0].at("content") == "hi");
  CHECK(messages[1].at("content") == "copy");
  CHECK(messages[2].at("content") == "rest");
  auto list = call(f.server.port(), "GET", "/api/v1/chat/conversations", f.token_of("c@vp.test"));
  auto conv = list.json().at("data").at(0).as_object();
  CHECK(conv.at("kind") == "channel");
  CHECK(conv.at("unreadCount") == 2);

  // Someone not in the channel finds no such conversation.
  CHECK(call(f.server.port(), "GET", history, f.token_of("d@vp.test")).status == 404);
  CHECK(call(f.server.port(), "POST", history, f.token_of("d@vp.test"),
             json::object{{"content", "in?"}})
            .status == 404);
  (void)d;
}

TEST_CASE("VoicePing private talk, receipts, and non-members refused before the floor",
          "[ptt][voiceping]") {
  ptt_fixture f;
  auto [a, b] = f.members("a@vp.test", "b@vp.test");
  auto d = f.outsider("d@vp.test");
  auto va = vp_user(f, "a@vp.test", a);
  auto vb = vp_user(f, "b@vp.test", b);
  // Not in the event, so no router token: an access token of the native API works too.
  auto vd = vp_connect(f, {{"VoicePingToken", f.token_of("d@vp.test")}});
  sync(*vd, d);
  const auto A = mp::str(a), B = mp::str(b), D = mp::str(d), CH = mp::str(f.channel);

  vd->send_binary(mp::arr({G, mp::uint(1), D, CH, mp::uint(5)}));
  CHECK(next_frame(*vd) == mp::arr({G, mp::uint(27), D, CH, mp::str("Unauthorized Group")}));
  CHECK(next_frame(*vd) == mp::arr({G, mp::uint(8), D, CH, mp::str("Ack Failed")}));
  vd->send_binary(mp::arr({G, mp::uint(3), D, CH, mp::bin("spam")}));
  CHECK_FALSE(vb->read(300ms).has_value());  // nothing was broadcast
  va->send_binary(mp::arr({G, mp::uint(1), A, CH, mp::uint(7)}));
  CHECK(next_frame(*va) == mp::arr({G, mp::uint(6), A, CH, mp::str("7")}));  // floor was free
  va->send_binary(mp::arr({G, mp::uint(2), A, CH}));
  next_frame(*va);
  next_frame(*vb);
  next_frame(*vb);

  // Private: the ACK keeps the integer payload; the peer hears START, AUDIO, STOP.
  va->send_binary(mp::arr({P, mp::uint(1), A, B, mp::uint(42)}));
  CHECK(next_frame(*va) == mp::arr({P, mp::uint(6), A, B, mp::uint(42)}));
  CHECK(next_frame(*vb) == mp::arr({P, mp::uint(1), A, B, mp::uint(42)}));
  va->send_binary(mp::arr({P, mp::uint(3), A, B, mp::bin("psst")}));
  CHECK(next_frame(*vb) == mp::arr({P, mp::uint(3), A, B, mp::bin("psst")}));
  va->send_binary(mp::arr({P, mp::uint(2), A, B}));
  auto id = acked_id(next_frame(*va), "\x96" + P + mp::uint(7) + A + B);
  CHECK(id.starts_with("1_3_" + b + "_" + a + "_"));
  auto stop_json = R"({"duration":)" + duration_of(id) + R"(,"message_id":")" + id + R"("})";
  CHECK(next_frame(*vb) == mp::arr({P, mp::uint(2), A, B, mp::str(stop_json)}));

  // A private text, then its receipts, forwarded as sent.
  va->send_binary(mp::arr({P, mp::uint(17), A, B, mp::str("plain text")}));
  auto text_id = acked_id(next_frame(*va), "\x96" + P + mp::uint(22) + A + B);
  CHECK(next_frame(*vb) ==
        mp::arr({P, mp::uint(17), A, B,
                 mp::str(R"({"message_id":")" + text_id + R"(","text":"plain text"})")}));
  vb->send_binary(mp::arr({P, mp::uint(20), B, A, mp::str(text_id)}));
  CHECK(next_frame(*va) == mp::arr({P, mp::uint(20), B, A, mp::str(text_id)}));
  vb->send_binary(mp::arr({P, mp::uint(21), B, A, mp::str(text_id)}));
  CHECK(next_frame(*va) == mp::arr({P, mp::uint(21), B, A, mp::str(text_id)}));

  // The SDK's dummy START to "00000" right after connecting: nobody by that id.
  va->send_binary(mp::arr({P, mp::uint(1), A, mp::str("00000"), mp::uint(1700000000001)}));
  CHECK(next_frame(*va) ==
        mp::arr({P, mp::uint(8), A, mp::str("00000"), mp::str("Recipient unknown")}));
}

TEST_CASE("VoicePing handshakes: token sources, subprotocol echo, 401, one connection per user",
          "[ptt][voiceping]") {
  ptt_fixture f;
  auto a = f.member("a@vp.test");
  auto vp_port = f.server.voiceping_port();
  REQUIRE(vp_port != 0);
  auto token = router_token(f, "a@vp.test");

  auto upgrade = [&](const std::string& extra) {
    return raw_exchange(vp_port,
                        "GET /x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: "
                        "websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        "dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                            extra + "\r\n",
                        2s);
  };
  CHECK(upgrade("").starts_with("HTTP/1.1 401"));
  CHECK(upgrade("token: not.a.jwt\r\n").starts_with("HTTP/1.1 401"));
  CHECK(upgrade("token: " + a + "\r\n").starts_with("HTTP/1.1 401"));  // no legacy join
  CHECK(upgrade("token: " + token + "x\r\n").starts_with("HTTP/1.1 401"));

  // Token and device as subprotocols: the first is echoed, or browsers fail the handshake.
  auto first = vp_connect(f, {{"Sec-WebSocket-Protocol", token + ", phone-1"}});
  CHECK(first->subprotocol() == token);
  sync(*first, a);

  // The same user from another device: the old connection is told, then closed.
  auto second = vp_connect(f, {{"token", token}, {"DeviceId", "tablet-2"}});
  CHECK(next_frame(*first) ==
        mp::arr({P, mp::uint(9), mp::uint(0), mp::str(a),
                 mp::str("userId " + a + " has logged in from another deviceId tablet-2")}));
  CHECK(first->wait_closed(5s) == 4409);
  sync(*second, a);

  // From the same device again: closed without LOGIN_DUPLICATED.
  auto third = vp_connect(f, {{"token", token}, {"device_id", "tablet-2"}});
  CHECK(second->wait_closed(5s) == 4409);
  CHECK(second->received_count() == 1);  // only the sync answer
  sync(*third, a);

  // Plain HTTP on the VoicePing port.
  CHECK(http_request(vp_port, "GET", "/").body.starts_with("Welcome to VoicePing Router"));
  CHECK(http_request(vp_port, "GET", "/elsewhere").status == 404);
  CHECK(http_request(vp_port, "POST", "/").status == 403);
  CHECK(http_request(vp_port, "GET", "/files/audio/0_3_x_y_1_1ms.opus").status == 401);
}

TEST_CASE("legacy joins and USER_ADD/USER_REMOVE where the token lists no channels",
          "[ptt][voiceping]") {
  ptt_fixture f(env_map{{"LEGACY_JOIN_ENABLED", "true"}});
  auto [a, b] = f.members("a@vp.test", "b@vp.test");
  const auto A = mp::str(a), B = mp::str(b), CH = mp::str(f.channel);
  auto va = vp_user(f, "a@vp.test", a);
  auto legacy = vp_connect(f, {{"token", b}});  // the token is the user id
  sync(*legacy, b);

  auto talk = [&](const std::string& opus) {
    va->send_binary(mp::arr({G, mp::uint(1), A, CH, mp::uint(1)}));
    CHECK(next_frame(*va) == mp::arr({G, mp::uint(6), A, CH, mp::str("1")}));
    va->send_binary(mp::arr({G, mp::uint(3), A, CH, mp::bin(opus)}));
    va->send_binary(mp::arr({G, mp::uint(2), A, CH}));
    next_frame(*va);  // STOP_ACK
  };
  talk("one");
  CHECK(next_frame(*legacy) == mp::arr({G, mp::uint(1), A, CH, mp::uint(1)}));
  CHECK(next_frame(*legacy) == mp::arr({G, mp::uint(3), A, CH, mp::bin("one")}));
  next_frame(*legacy);  // STOP

  legacy->send_binary(mp::arr({G, mp::uint(16), B, CH}));  // USER_REMOVE
  sync(*legacy, b);
  talk("two");
  CHECK_FALSE(legacy->read(300ms).has_value());

  legacy->send_binary(mp::arr({G, mp::uint(15), B, CH}));  // USER_ADD
  sync(*legacy, b);
  talk("three");
  CHECK(next_frame(*legacy) == mp::arr({G, mp::uint(1), A, CH, mp::uint(1)}));

  // A router token lists the channels: USER_REMOVE is ignored.
  va->send_binary(mp::arr({G, mp::uint(16), A, CH}));
  sync(*va, a);
  auto nb = f.connect("b@vp.test");
  CHECK(start_talking(*nb, f.channel).at("type") == "ptt.granted");
  CHECK(next_frame(*va).substr(0, 3) == "\x95" + G + mp::uint(1));
}

TEST_CASE("malformed VoicePing frames are dropped and counted; the connection carries on",
          "[ptt][voiceping]") {
  ptt_fixture f;
  auto a = f.member("a@vp.test");
  auto va = vp_user(f, "a@vp.test", a);
  va->send_text("hello");                                                // text frame
  va->send_binary("\xc1");                                               // never used
  va->send_binary(std::string("\x95\x00\x01", 3));                       // truncated
  va->send_binary(mp::arr({mp::uint(2), mp::uint(1), mp::str(a)}));      // channel type 2
  va->send_binary(mp::arr({G, mp::str("1"), mp::str(a)}));               // type not a number
  va->send_binary(mp::arr({G, mp::uint(1)}));                            // too short
  va->send_binary("\x81\xa1k\xa1v");                                     // a map
  va->send_binary(mp::arr({G, mp::uint(4), mp::str(a)}) + G);            // trailing byte
  va->send_binary(std::string(64, '\x91') + G);                          // too deep
  va->send_binary("\xdd\xff\xff\xff\xff");                               // a lying length
  va->send_binary(std::string(70 * 1024, '\x00'));                       // oversized
  va->send_binary(mp::arr({G, mp::uint(99), mp::str(a), mp::uint(0)}));  // unknown type
  sync(*va, a);
  auto metrics = call(f.server.port(), "GET", "/metrics", "").body;
  std::string malformed = "sb_voiceping_frames_dropped_total{reason=\"malformed\"} ";
  auto pos = metrics.find(malformed);
  REQUIRE(pos != std::string::npos);
  CHECK(std::stoi(metrics.substr(pos + malformed.size())) == 9);
  CHECK(metrics.find("sb_voiceping_frames_dropped_total{reason=\"text_frame\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("sb_voiceping_frames_dropped_total{reason=\"oversized\"} 1") !=
        std::string::npos);
}
