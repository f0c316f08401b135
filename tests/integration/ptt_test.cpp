#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <thread>

#include "tests/integration/ptt_fixture.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("one talker at a time; audio reaches every other member, from the holder only", "[ptt]") {
  ptt_fixture f;
  auto [a_id, b_id, c_id] = f.members("a@ptt.test", "b@ptt.test", "c@ptt.test");
  auto [a, b, c] = f.connect_all("a@ptt.test", "b@ptt.test", "c@ptt.test");

  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  for (auto* listener : {b.get(), c.get()}) {
    auto started = next_of(*listener, "ptt.started");
    CHECK(started.at("from").as_string() == a_id);
    CHECK(started.at("channel").as_string() == f.channel);
    CHECK(started.at("dispatcher") == false);
  }
  auto busy = start_talking(*b, f.channel, "b1");
  CHECK(busy.at("type") == "ptt.denied");
  CHECK(busy.at("reason") == "busy");
  CHECK(busy.at("id") == "b1");

  a->send_binary(audio_frame(f.channel, "opus-1"));
  a->send_binary(audio_frame(f.channel, "opus-2"));
  b->send_binary(audio_frame(f.channel, "intruder"));  // no floor: dropped by the group
  CHECK(next_audio(*b) == heard(f.channel, a_id, "opus-1"));
  CHECK(next_audio(*b) == heard(f.channel, a_id, "opus-2"));
  CHECK(next_audio(*c) == heard(f.channel, a_id, "opus-1"));
  CHECK(next_audio(*c) == heard(f.channel, a_id, "opus-2"));
  CHECK_FALSE(next_audio(*a, 300ms).has_value());  // nothing from B, no echo to A
  CHECK_FALSE(next_audio(*c, 300ms).has_value());

  // B's STOP does not free A's floor (the original let any STOP clear it).
  auto b_stop = stop_talking(*b, f.channel);
  CHECK(b_stop.at("message_id").is_null());
  CHECK(start_talking(*c, f.channel).at("reason") == "busy");

  auto stopped = stop_talking(*a, f.channel, "a-stop");
  CHECK(stopped.at("id") == "a-stop");
  std::string message_id(stopped.at("message_id").as_string());
  CHECK(message_id.starts_with("0_3_" + f.channel + "_" + a_id + "_"));
  CHECK(message_id.ends_with("ms.opus"));
  auto ended = next_of(*b, "ptt.ended");
  CHECK(ended.at("message_id").as_string() == message_id);
  CHECK(ended.at("from").as_string() == a_id);
  CHECK(start_talking(*c, f.channel).at("type") == "ptt.granted");

  // The burst is recorded and served to members at the SDK's download URL.
  auto file = call(f.server.port(), "GET", "/files/audio/" + message_id, f.token_of("b@ptt.test"));
  CHECK(file.status == 200);
  CHECK(file.body == "opus-1opus-2");
  (void)b_id;
}

TEST_CASE("a silent holder's floor can be taken over after MAXIMUM_IDLE_DURATION", "[ptt]") {
  ptt_fixture f(env_map{{"MAXIMUM_IDLE_DURATION", "300"}});
  f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  CHECK(start_talking(*b, f.channel).at("reason") == "busy");
  std::this_thread::sleep_for(400ms);
  CHECK(start_talking(*b, f.channel).at("type") == "ptt.granted");
  CHECK(next_of(*a, "ptt.released").at("reason") == "taken_over");
}

// The busy timeout and each timer's logic are driven step by step in
// tests/actors/talk_group_test.cpp; this shows one timer end to end, from its setting.
TEST_CASE("the floor is released at MAXIMUM_AUDIO_DURATION", "[ptt]") {
  ptt_fixture f(env_map{{"MAXIMUM_AUDIO_DURATION", "400"}, {"GROUP_BUSY_TIMEOUT", "60000"}});
  f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  for (int i = 0; i < 10; ++i) {
    a->send_binary(audio_frame(f.channel, "x"));
    std::this_thread::sleep_for(60ms);
  }
  CHECK(next_of(*a, "ptt.released").at("reason") == "max_duration");
  CHECK(next_of(*b, "ptt.ended").at("duration_ms").as_int64() >= 400);
  CHECK(start_talking(*b, f.channel).at("type") == "ptt.granted");
}

TEST_CASE("a dispatcher pre-empts a talker; a dispatcher cannot be pre-empted", "[ptt]") {
  ptt_fixture f;
  f.member("a@ptt.test");
  f.member("d@ptt.test", "DISPATCH");
  auto [a, d] = f.connect_all("a@ptt.test", "d@ptt.test");
  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  CHECK(start_talking(*d, f.channel).at("type") == "ptt.granted");
  CHECK(next_of(*a, "ptt.released").at("reason") == "preempted");
  auto started = next_of(*a, "ptt.started");
  CHECK(started.at("dispatcher") == true);
  CHECK(start_talking(*a, f.channel).at("reason") == "busy");
}

TEST_CASE("a talker who disconnects frees the floor", "[ptt]") {
  ptt_fixture f;
  f.members("a@ptt.test", "b@ptt.test");
  auto b = f.connect("b@ptt.test");
  {
    auto a = f.connect("a@ptt.test");
    CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
    a->send_binary(audio_frame(f.channel, "last words"));
    CHECK(next_audio(*b).has_value());
  }  // the connection drops mid-burst
  CHECK(next_of(*b, "ptt.ended").at("from").is_string());
  CHECK(start_talking(*b, f.channel).at("type") == "ptt.granted");
}

TEST_CASE("a member removed from a channel stops hearing it at once", "[ptt]") {
  ptt_fixture f;
  auto [a_id, b_id] = f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  CHECK(start_talking(*b, f.channel).at("type") == "ptt.granted");
  b->send_binary(audio_frame(f.channel, "before"));
  CHECK(next_audio(*a).has_value());

  auto started = std::chrono::steady_clock::now();
  auto removed =
      call(f.server.port(), "PATCH", "/api/events/" + f.event + "/users/" + a_id + "/channels",
           f.admin, json::object{{"channelIds", json::array{}}});
  REQUIRE(removed.status == 200);
  CHECK(next_of(*a, "channel.left").at("channel").as_string() == f.channel);
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  b->send_binary(audio_frame(f.channel, "after"));
  CHECK_FALSE(next_audio(*a, 500ms).has_value());
  CHECK(start_talking(*a, f.channel).at("reason") == "not_member");

  // Added back: the session joins without reconnecting.
  call(f.server.port(), "PATCH", "/api/events/" + f.event + "/users/" + a_id + "/channels", f.admin,
       json::object{{"channelIds", json::array{json::value(f.channel)}}});
  CHECK(next_of(*a, "channel.joined").at("channel").as_string() == f.channel);
  b->send_binary(audio_frame(f.channel, "again"));
  CHECK(next_audio(*a).has_value());
}

TEST_CASE("a listener that stops reading loses audio without slowing the others", "[ptt][timing]") {
  // Far more audio than a talker may send by default: this measures the listeners.
  ptt_fixture f(env_map{{"WS_DROPPABLE_QUEUE_BYTES", "1048576"},
                        {"WS_OUTBOUND_QUEUE_BYTES", "2097152"},
                        {"WS_MAX_MESSAGE_BYTES", "65536"},
                        {"PTT_MAX_AUDIO_FRAME_BYTES", "0"},
                        {"PTT_MAX_AUDIO_BYTES_PER_S", "0"},
                        {"PTT_MAX_BURST_BYTES", "0"}});
  f.members("a@ptt.test", "b@ptt.test", "c@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  ws_client::options stuck;  // C never reads and advertises a tiny receive window
  stuck.reading = false;
  stuck.receive_buffer_bytes = 4096;
  stuck.headers = bearer(f.token_of("c@ptt.test"));
  ws_client stalled(f.server.port(), stuck);
  std::this_thread::sleep_for(300ms);  // let its session join the channel

  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");
  // 12 MB, paced: B keeps up; C's kernel buffers (a few MB) and its 1 MiB budget overflow.
  const int frames = 1500;
  std::string opus(8000, 'o');
  int got = 0;
  for (int i = 0; i < frames; ++i) {
    a->send_binary(audio_frame(f.channel, opus));
    std::this_thread::sleep_for(1ms);
  }
  while (got < frames && next_audio(*b, 5s)) ++got;
  CHECK(got == frames);  // the reading listener got everything
  auto metrics = http_request(f.server.port(), "GET", "/metrics").body;
  auto pos = metrics.find("\nsb_ptt_audio_frames_dropped_total ");
  REQUIRE(pos != std::string::npos);
  CHECK(std::stol(metrics.substr(pos + 35)) > 0);  // the stalled one lost frames
  CHECK(metrics.find("sb_ws_slow_consumer_closes_total 0") != std::string::npos);
}

TEST_CASE("text messages are stored, acknowledged and forwarded", "[ptt]") {
  ptt_fixture f;
  auto [a_id, b_id] = f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  a->send_text(R"({"type":"text","id":"t1","channel":")" + f.channel + R"(","text":"on my way"})");
  auto ok = next_of(*a, "text.ok");
  CHECK(ok.at("id") == "t1");
  std::string message_id(ok.at("message_id").as_string());
  CHECK(message_id.starts_with("0_17_" + f.channel + "_" + a_id));
  auto got = next_of(*b, "text");
  CHECK(got.at("text") == "on my way");
  CHECK(got.at("message_id").as_string() == message_id);
  CHECK(got.at("from").as_string() == a_id);
  a->send_text(R"({"type":"text","id":"t2","channel":")" + f.new_channel("Other") +
               R"(","text":"x"})");
  CHECK(next_of(*a, "error").at("code") == "forbidden");
}

TEST_CASE("non-members, strangers and bad frames are refused", "[ptt]") {
  ptt_fixture f;
  f.member("a@ptt.test");
  f.outsider("x@ptt.test");
  ws_client::options o;
  o.headers = bearer(f.token_of("x@ptt.test"));
  ws_client x(f.server.port(), o);
  CHECK(start_talking(x, f.channel).at("reason") == "not_member");
  x.send_binary(audio_frame(f.channel, "sneaky"));
  x.send_binary("\x07garbage");
  CHECK(next_of(x, "error").at("code") == "bad_request");
  x.send_text(R"({"type":"ptt.start","id":1})");
  CHECK(next_of(x, "error").at("message") == "ptt.start needs a string field channel or to");
  auto a = f.connect("a@ptt.test");
  CHECK(start_talking(*a, f.channel).at("type") == "ptt.granted");  // nothing broke
}
