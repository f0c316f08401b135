#include <catch2/catch.hpp>

#include "actors/session/audio_meter.hpp"
#include "config/ground/connection_quota.hpp"
#include "config/ground/log_throttle.hpp"
#include "config/ground/rate_limiter.hpp"
#include "protocols/http/byte_range.hpp"
#include "protocols/http/problem.hpp"

using namespace sb;
using verdict = audio_meter::verdict;

TEST_CASE("the audio meter checks frame size, rate with jitter allowance, and burst size",
          "[limits]") {
  audio_limits l{1000, 4000, 10'000};
  audio_meter m;
  int64_t t = 1'000'000;
  CHECK(m.admit(1001, t, l) == verdict::frame_too_large);
  // The bucket holds two seconds' worth: 8 frames of 1000 at once, then it is empty.
  for (int i = 0; i < 8; ++i) CHECK(m.admit(1000, t, l) == verdict::pass);
  CHECK(m.admit(1000, t, l) == verdict::too_fast);
  // 250 ms later it has refilled 1000 bytes.
  CHECK(m.admit(1000, t + 250'000, l) == verdict::pass);
  CHECK(m.admit(1000, t + 250'000, l) == verdict::too_fast);
  // The burst has 9000 bytes now; 1000 more fit, then no more until a new burst.
  CHECK(m.admit(1000, t + 10'000'000, l) == verdict::pass);
  CHECK(m.admit(1, t + 10'000'000, l) == verdict::burst_too_long);
  m.burst_started();
  CHECK(m.admit(1000, t + 10'000'000, l) == verdict::pass);
  // Zero means no limit.
  audio_meter free;
  for (int i = 0; i < 100; ++i) CHECK(free.admit(1 << 20, t, audio_limits{}) == verdict::pass);
}

TEST_CASE("Range headers are read against the body's size", "[limits][http]") {
  using namespace sb::http;
  auto range = [](std::string_view h, uint64_t size) -> std::pair<uint64_t, uint64_t> {
    auto r = parse_range(h, size);
    REQUIRE(std::holds_alternative<byte_range>(r));
    auto b = std::get<byte_range>(r);
    return {b.first, b.last};
  };
  CHECK(range("bytes=0-99", 1000) == std::pair<uint64_t, uint64_t>{0, 99});
  CHECK(range("bytes=990-2000", 1000) == std::pair<uint64_t, uint64_t>{990, 999});
  CHECK(range("bytes=500-", 1000) == std::pair<uint64_t, uint64_t>{500, 999});
  CHECK(range("bytes=-10", 1000) == std::pair<uint64_t, uint64_t>{990, 999});
  CHECK(range("bytes=-5000", 1000) == std::pair<uint64_t, uint64_t>{0, 999});
  for (auto whole : {"", "items=0-1", "bytes=0-1,3-4", "bytes=5-2", "bytes=x-", "bytes=-",
                     "bytes= 1-2", "bytes=+1-2", "bytes=99999999999999999999-"}) {
    INFO(whole);
    CHECK(std::holds_alternative<whole_body>(parse_range(whole, 1000)));
  }
  CHECK(std::holds_alternative<unsatisfiable_range>(parse_range("bytes=1000-", 1000)));
  CHECK(std::holds_alternative<unsatisfiable_range>(parse_range("bytes=-0", 1000)));
  CHECK(std::holds_alternative<unsatisfiable_range>(parse_range("bytes=0-", 0)));
}

TEST_CASE("a peek does not count, a hit does", "[limits]") {
  rate_limiter limiter;
  CHECK(limiter.peek("k", 2, 0).allowed);
  limiter.hit("k", 2, 0);
  limiter.hit("k", 2, 0);
  CHECK_FALSE(limiter.peek("k", 2, 1).allowed);
  CHECK(limiter.peek("k", 2, 60'000'001).allowed);  // a new window
}

TEST_CASE("connection slots are bounded per key and come back when dropped", "[limits]") {
  connection_quota quota;
  auto a = quota.acquire("user:1", 2);
  auto b = quota.acquire("user:1", 2);
  CHECK(a);
  CHECK(b);
  CHECK_FALSE(quota.acquire("user:1", 2));
  CHECK(quota.acquire("user:2", 2));
  auto copy = a;
  a.reset();
  CHECK(quota.count("user:1") == 2);  // a copy still holds it
  copy.reset();
  CHECK(quota.count("user:1") == 1);
  CHECK(quota.acquire("user:1", 2));
}

TEST_CASE("a log throttle lets a few lines through and counts the rest", "[limits]") {
  log_throttle t{3};
  uint64_t held = 0;
  int written = 0;
  for (int i = 0; i < 100; ++i) written += t.allow(held) ? 1 : 0;
  CHECK(written == 3);
  CHECK(held == 0);
}

TEST_CASE("answers worth retrying carry Retry-After from the error table", "[http]") {
  auto retry_of = [](errc code) {
    auto r = http::problem(code, "x", "/p");
    for (const auto& [name, value] : r.headers) {
      if (name == "Retry-After") return value;
    }
    return std::string("none");
  };
  CHECK(retry_of(errc::db_unavailable) == "1");
  CHECK(retry_of(errc::overloaded) == "1");
  CHECK(retry_of(errc::shutting_down) == "5");
  CHECK(retry_of(errc::timeout) == "1");
  CHECK(retry_of(errc::not_found) == "none");
  CHECK(retry_of(errc::not_configured) == "none");
  auto replaced = http::problem(errc::db_unavailable, "x", "/p").set_header("retry-after", "7");
  CHECK(std::count_if(replaced.headers.begin(), replaced.headers.end(), [](const auto& h) {
          return h.first == "retry-after" || h.first == "Retry-After";
        }) == 1);
}
