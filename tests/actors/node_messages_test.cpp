// Messages that may cross nodes: each registered type survives CAF's binary serialization as a
// whole message, which is how the middleman sends it to a remote actor. An unregistered or
// uninspectable type fails here, not in a cluster.

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/calls/call_messages.hpp"
#include "actors/chat/chat_messages.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/node_messages.hpp"
#include "actors/ptt/ptt_messages.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"

using namespace sb;

namespace {

struct node_system {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    add_node_messages(cfg);
    cfg.set("scheduler.max-threads", 1);
    return cfg;
  }
  node_system() : sys(prepare(cfg)) {}

  /// The message as a remote node receives it.
  caf::message across(const caf::message& msg) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    auto out = msg;
    if (auto err = sink(out)) FAIL("serialize: " << sys.render(err));
    caf::binary_deserializer source{sys, buf};
    caf::message in;
    if (auto err = source(in)) FAIL("deserialize: " << sys.render(err));
    return in;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
};

}  // namespace

TEST_CASE_METHOD(node_system, "floor requests and talk events cross nodes intact", "[cluster]") {
  floor_request req{"session:7", "u1", true, false, std::string("\x92\x01\x02", 3)};
  auto got = across(caf::make_message(talk_start_atom::value, req));
  REQUIRE(got.match_elements<talk_start_atom, floor_request>());
  const auto& r = got.get_as<floor_request>(1);
  CHECK(r.session_id == "session:7");
  CHECK(r.user_id == "u1");
  CHECK(r.dispatcher);
  CHECK_FALSE(r.emergency);
  CHECK(r.start_raw == req.start_raw);

  ptt::talk_event e;
  e.what = ptt::talk_event::kind::text;
  e.type = ptt::channel_type::direct;
  e.target = "u2";
  e.from = "u1";
  e.message_id = "m-1";
  e.reason = ptt::release_reason::preempted;
  e.read = true;
  e.payload = std::make_shared<const std::string>("hello");
  e.at_ms = 1700000000123;
  auto ev = across(caf::make_message(direct_atom::value, e)).get_as<ptt::talk_event>(1);
  CHECK(ev.what == ptt::talk_event::kind::text);
  CHECK(ev.type == ptt::channel_type::direct);
  CHECK(ev.target == "u2");
  CHECK(ev.message_id == "m-1");
  CHECK(ev.reason == ptt::release_reason::preempted);
  CHECK(ev.read);
  REQUIRE(ev.payload);
  CHECK(*ev.payload == "hello");
  CHECK(ev.at_ms == 1700000000123);
}

TEST_CASE_METHOD(node_system, "audio and frames travel as their bytes", "[cluster]") {
  std::string opus("\x00\xff\x10", 3);
  auto got = across(caf::make_message(audio_atom::value, std::string("s"), std::string("u"),
                                      audio_bytes{std::make_shared<const std::string>(opus)},
                                      int64_t{42}));
  REQUIRE(got.match_elements<audio_atom, std::string, std::string, audio_bytes, int64_t>());
  CHECK(*got.get_as<audio_bytes>(3) == opus);
  CHECK(got.get_as<int64_t>(4) == 42);
}

TEST_CASE_METHOD(node_system, "call setups, commands and rows cross nodes intact", "[cluster]") {
  call_setup setup;
  setup.tenant_id = "t1";
  setup.caller_id = "u1";
  setup.callees = {{"u2", ""}, {"", "101"}, {"", "", "@bob:example.org"}};
  setup.media = "video";
  setup.room_id = "!room:example.org";
  auto s = across(caf::make_message(invite_atom::value, setup)).get_as<call_setup>(1);
  CHECK(s.tenant_id == "t1");
  REQUIRE(s.callees.size() == 3);
  CHECK(s.callees[1].extension == "101");
  CHECK(s.callees[2].matrix_user == "@bob:example.org");
  CHECK(s.room_id == "!room:example.org");
  CHECK_FALSE(s.sdp);

  call_command cmd;
  cmd.action = calls::call_action::media;
  cmd.user_id = "u2";
  cmd.video = false;
  cmd.flip_audio = true;
  auto c = across(caf::make_message(call_cmd_atom::value, cmd)).get_as<call_command>(1);
  CHECK(c.action == calls::call_action::media);
  CHECK_FALSE(c.audio);
  REQUIRE(c.video);
  CHECK_FALSE(*c.video);
  CHECK(c.flip_audio);

  calls::call_row row;
  row.id = "c1";
  row.state = "active";
  row.answered_at_us = 5;
  calls::call_participant_row p;
  p.who = {"u2", "Bob", std::string("101")};
  p.status = "joined";
  p.left_at_us = 9;
  row.participants.push_back(p);
  auto back = across(caf::make_message(row)).get_as<calls::call_row>(0);
  CHECK(back.id == "c1");
  CHECK(back.answered_at_us == 5);
  CHECK_FALSE(back.ended_at_us);
  REQUIRE(back.participants.size() == 1);
  CHECK(back.participants[0].who.extension == "101");
  CHECK(back.participants[0].left_at_us == 9);
  CHECK_FALSE(back.participants[0].joined_at_us);
}

TEST_CASE_METHOD(node_system, "chat sends, changes, pointers and deliveries cross nodes intact",
                 "[cluster]") {
  chat_send send{"u1", "hello", std::string("c1"), caf::actor{}, {"a1", "a2"}};
  auto s = across(caf::make_message(chat_send_atom::value, send)).get_as<chat_send>(1);
  CHECK(s.sender_id == "u1");
  CHECK(s.content == "hello");
  CHECK(s.client_msg_id == "c1");
  CHECK(s.attachment_ids == std::vector<std::string>{"a1", "a2"});

  chat_change change{"u1", true, "m1", std::nullopt, caf::actor{}};
  auto c = across(caf::make_message(chat_change_atom::value, change)).get_as<chat_change>(1);
  CHECK(c.admin);
  CHECK(c.message_id == "m1");
  CHECK_FALSE(c.content);

  chat_pointer ptr{"u2", false, 42, caf::actor{}};
  auto p = across(caf::make_message(chat_pointer_atom::value, ptr)).get_as<chat_pointer>(1);
  CHECK_FALSE(p.read);
  CHECK(p.seq == 42);

  chat::message m;
  m.id = "m1";
  m.seq = 7;
  m.deleted_at_us = 9;
  m.attachments = {{"f1", "a.pdf", "application/pdf", 42}};
  auto back = across(caf::make_message(m)).get_as<chat::message>(0);
  REQUIRE(back.attachments.size() == 1);
  CHECK(back.attachments[0].size == 42);
  CHECK(back.seq == 7);
  CHECK(back.deleted_at_us == 9);
  CHECK_FALSE(back.edited_at_us);
  auto member = across(caf::make_message(chat::member{"u2", 3, 4, 5})).get_as<chat::member>(0);
  CHECK(member.delivered_seq == 4);
  chat::conversation conv{"c1", "t1", "group", std::string("ops"), 7, 9, {{"u2", 3, 4, 5}}};
  auto conv_back = across(caf::make_message(conv)).get_as<chat::conversation>(0);
  CHECK(conv_back.name == "ops");
  CHECK(conv_back.version == 9);
  REQUIRE(conv_back.members.size() == 1);
  CHECK(conv_back.members[0].read_seq == 3);

  chat_delivery d{shared_bytes(std::make_shared<const std::string>("frame")),
                  shared_bytes(std::make_shared<const std::string>("42[]")), caf::actor{}, "c1",
                  12};
  auto frame = across(caf::make_message(d)).get_as<chat_delivery>(0);
  CHECK(*frame.native == "frame");
  CHECK(*frame.socketio == "42[]");
  CHECK(frame.conversation_id == "c1");
  CHECK(frame.version == 12);
  auto typing = across(caf::make_message(chat_typing_atom::value, chat_typing{"u1", false, {}}))
                    .get_as<chat_typing>(1);
  CHECK(typing.user_id == "u1");
  CHECK_FALSE(typing.typing);
}

TEST_CASE_METHOD(node_system, "members introduce themselves across nodes intact", "[cluster]") {
  member_info m{"beta", "inc-1", "10.0.0.2", 7400, "proof"};
  auto hello = across(caf::make_message(hello_atom::value, m));
  CHECK(hello.get_as<member_info>(1) == m);
  auto view = across(caf::make_message(std::vector<member_info>{m, m}));
  CHECK(view.get_as<std::vector<member_info>>(0).size() == 2);
}

TEST_CASE("seed lists read as host:port pairs", "[cluster]") {
  auto seeds = parse_seeds(" a.example:7400, 10.0.0.2:7401,,[::1]:7402 ");
  REQUIRE(seeds.size() == 3);
  CHECK(seeds[0] == std::pair<std::string, uint16_t>{"a.example", 7400});
  CHECK(seeds[2] == std::pair<std::string, uint16_t>{"[::1]", 7402});
  CHECK(parse_seeds("").empty());
  for (auto bad : {"host", ":7400", "host:0", "host:70000", "host:74x"}) {
    CHECK_THROWS_AS(parse_seeds(bad), std::invalid_argument);
  }
}

TEST_CASE_METHOD(node_system, "a node that lacks the names cannot read the messages", "[cluster]") {
  // Registration is what makes a message readable on the other side, and CAF says nothing
  // when it is missing: hence this test.
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto msg = caf::make_message(talk_start_atom::value, floor_request{"s", "u", false, false, ""});
  REQUIRE_FALSE(sink(msg));
  caf::actor_system_config bare_cfg;
  bare_cfg.set("scheduler.max-threads", 1);
  caf::actor_system bare{bare_cfg};
  caf::binary_deserializer source{bare, buf};
  caf::message in;
  // CAF 0.17 reports no error: the remote actor gets an empty message, which it ignores.
  CHECK_FALSE(source(in));
  CHECK(in.empty());
  caf::binary_deserializer named{sys, buf};
  REQUIRE_FALSE(named(in));
  CHECK(in.match_elements<talk_start_atom, floor_request>());
}
