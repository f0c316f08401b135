// What a talker may send, what a tenant may keep, and how recordings are served: the audio
// limits, the recording quota, and downloads streamed from disk with ranges.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <csignal>
#include <future>
#include <thread>

#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

/// Sends `count` frames of `bytes` bytes of audio, as fast as the socket takes them.
void send_audio(ws_client& c, const std::string& channel, int count, size_t bytes) {
  std::string opus(bytes, 'o');
  for (int i = 0; i < count; ++i) c.send_binary(audio_frame(channel, opus));
}

/// Audio frames `c` hears until none arrives for 500 ms.
int heard_frames(ws_client& c) {
  int n = 0;
  while (next_audio(c, 500ms)) ++n;
  return n;
}

}  // namespace

TEST_CASE("audio over the frame, rate and burst limits is dropped, counted and reported",
          "[ptt][security]") {
  ptt_fixture f(env_map{{"PTT_MAX_AUDIO_FRAME_BYTES", "1000"},
                        {"PTT_MAX_AUDIO_BYTES_PER_S", "4000"},
                        {"PTT_MAX_BURST_BYTES", "12000"}});
  f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");

  send_audio(*a, f.channel, 1, 1001);
  auto too_big = next_of(*a, "error");
  CHECK(too_big.at("code") == "payload_too_large");
  CHECK(too_big.at("message").as_string().find("ptt.max_audio_frame_bytes") != std::string::npos);
  CHECK_FALSE(next_audio(*b, 300ms));

  // 4000 bytes/s with 8000 of jitter allowance: of 30 frames at once, about 8 pass.
  std::this_thread::sleep_for(1100ms);  // the notice limit is one a second
  send_audio(*a, f.channel, 30, 1000);
  CHECK(next_of(*a, "error").at("code") == "too_many_requests");
  auto passed = heard_frames(*b);
  CHECK(passed >= 8);
  CHECK(passed <= 10);

  // The burst holds 12000 bytes in all: after the rate refills, the rest of it, then nothing.
  std::this_thread::sleep_for(2100ms);
  send_audio(*a, f.channel, 6, 1000);
  auto more = heard_frames(*b);
  CHECK(passed + more == 12);
  CHECK(next_of(*a, "error").at("code") == "limit_reached");
  auto stopped = stop_talking(*a, f.channel);
  std::string id(stopped.at("message_id").as_string());
  auto file = call(f.server.port(), "GET", "/files/audio/" + id, f.token_of("b@ptt.test"));
  CHECK(file.body.size() == 12000);  // the recording holds what was delivered, no more

  // A new burst starts a new count.
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  send_audio(*a, f.channel, 2, 500);
  CHECK(heard_frames(*b) == 2);
  CHECK(metric(f.server.port(), "sb_ptt_audio_frames_over_limit_total{limit=\"frame_bytes\"}") ==
        1);
  CHECK(metric(f.server.port(), "sb_ptt_audio_frames_over_limit_total{limit=\"burst_bytes\"}") >=
        1);
}

TEST_CASE("the probe's 315 MB burst: default limits keep a recording small",
          "[ptt][security][timing]") {
  ptt_fixture f;
  f.member("a@ptt.test");
  auto a = f.connect("a@ptt.test");
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  send_audio(*a, f.channel, 200, 60'000);  // 12 MB of "audio" in frames a client never sends
  send_audio(*a, f.channel, 2000, 4000);   // 8 MB more in frames of an allowed size
  auto stopped = stop_talking(*a, f.channel);
  std::string id(stopped.at("message_id").as_string());
  auto file = call(f.server.port(), "GET", "/files/audio/" + id, f.admin);
  // 16 KiB/s plus 32 KiB of allowance, for the few seconds this took.
  CHECK(file.body.size() < 200'000);
}

TEST_CASE("a tenant's recordings stop at its quota; talk goes on", "[ptt][security]") {
  ptt_fixture f(env_map{{"PTT_RECORDING_QUOTA_BYTES", "3000"}});
  f.members("a@ptt.test", "b@ptt.test");
  auto [a, b] = f.connect_all("a@ptt.test", "b@ptt.test");
  auto burst = [&] {
    REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
    send_audio(*a, f.channel, 4, 500);
    CHECK(heard_frames(*b) == 4);  // delivered either way
    return stop_talking(*a, f.channel).at("message_id");
  };
  CHECK(burst().is_string());  // 2000 bytes: within the quota
  CHECK(burst().is_null());    // 4000 would pass it: delivered, not recorded
  CHECK(metric(f.server.port(), "sb_ptt_recordings_over_quota_total") == 1);
  // What was refused left no file behind: the quota counts what is on disk.
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  send_audio(*a, f.channel, 1, 900);
  CHECK(heard_frames(*b) == 1);
  CHECK(stop_talking(*a, f.channel).at("message_id").is_string());  // 2900 bytes
}

TEST_CASE("recordings are streamed from disk, with byte ranges", "[ptt][security][timing]") {
  ptt_fixture f(env_map{{"PTT_MAX_AUDIO_FRAME_BYTES", "0"},
                        {"PTT_MAX_AUDIO_BYTES_PER_S", "0"},
                        {"PTT_MAX_BURST_BYTES", "0"},
                        {"WS_MAX_MESSAGE_BYTES", "2097152"}});
  f.member("a@ptt.test");
  auto a = f.connect("a@ptt.test");
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  // 40 MB, each frame's bytes telling its position.
  for (int i = 0; i < 40; ++i)
    a->send_binary(audio_frame(f.channel, std::string(1 << 20, 'a' + i % 26)));
  std::string id(stop_talking(*a, f.channel).at("message_id").as_string());
  auto token = f.admin;
  auto get = [&](std::map<std::string, std::string> headers) {
    headers["Authorization"] = "Bearer " + token;
    return http_request(f.server.port(), "GET", "/files/audio/" + id, {}, headers, 60s);
  };

  auto part = get({{"Range", "bytes=1048570-1048579"}});
  CHECK(part.status == 206);
  CHECK(part.header("content-range") == "bytes 1048570-1048579/41943040");
  CHECK(part.body == "aaaaaabbbb");
  auto tail = get({{"Range", "bytes=-3"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == "nnn");
  auto past = get({{"Range", "bytes=50000000-"}});
  CHECK(past.status == 416);
  CHECK(past.header("content-range") == "bytes */41943040");
  CHECK(get({{"Range", "bytes=0-1,5-6"}}).status == 200);  // several ranges: the whole file

  // Three whole downloads at once cost the server pieces, not copies of the file.
  auto before = f.server.rss_kib();
  std::vector<std::future<http_reply>> downloads;
  for (int i = 0; i < 3; ++i)
    downloads.push_back(std::async(std::launch::async, [&] { return get({}); }));
  long peak = before;
  while (std::any_of(downloads.begin(), downloads.end(),
                     [](auto& d) { return d.wait_for(0ms) != std::future_status::ready; })) {
    peak = std::max(peak, f.server.rss_kib());
    std::this_thread::sleep_for(5ms);
  }
  for (auto& d : downloads) {
    auto whole = d.get();
    CHECK(whole.status == 200);
    CHECK(whole.header("accept-ranges") == "bytes");
    CHECK(whole.body.size() == 41943040);
    CHECK(whole.body.substr(41943040 - 2) == "nn");
  }
  INFO("server memory grew by " << (peak - before) / 1024 << " MiB during the downloads");
  if (server_process::rss_is_meaningful) CHECK(peak - before < 20 * 1024);
}

TEST_CASE("the retention sweep deletes old recordings and gives their bytes back",
          "[ptt][security]") {
  temp_dir recordings;
  env_map env{{"RECORDINGS_DIR", recordings.path().string()},
              {"PTT_RECORDING_QUOTA_BYTES", "3000"}};
  ptt_fixture f(env);
  f.member("a@ptt.test");
  auto a = f.connect("a@ptt.test");
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  send_audio(*a, f.channel, 4, 500);
  std::string id(stop_talking(*a, f.channel).at("message_id").as_string());
  a.reset();
  REQUIRE(f.server.stop(SIGTERM) == 0);
  {
    auto sql = f.db.connect();
    long long old =
        (std::chrono::system_clock::now() - std::chrono::hours(24 * 31)).time_since_epoch() /
        std::chrono::microseconds(1);
    *sql << "UPDATE ptt_messages SET created_at_us = :o WHERE id = :id", soci::use(old),
        soci::use(id);
  }
  env["RECORDING_RETENTION_DAYS"] = "30";
  server_process again(f.db.env_with(env));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  long long purged = 0, usage = -1;
  while (std::chrono::steady_clock::now() < deadline && (purged == 0 || usage != 0)) {
    std::this_thread::sleep_for(100ms);
    auto sql = f.db.connect();
    *sql << "SELECT COUNT(*) FROM ptt_messages WHERE purged_at_us IS NOT NULL", soci::into(purged);
    *sql << "SELECT bytes FROM recording_usage", soci::into(usage);
  }
  CHECK(purged == 1);
  CHECK(usage == 0);
  auto admin = login(again.port(), kAdminEmail, kAdminPassword);
  CHECK(call(again.port(), "GET", "/files/audio/" + id, admin).status == 404);
}
