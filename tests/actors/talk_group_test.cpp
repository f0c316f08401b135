// The talk group's floor, step by step on a deterministic scheduler: who gets the floor, who
// hears what, which audio is forwarded and recorded, and what its timers and a vanished
// holder do. The integration tests (tests/integration/ptt_test.cpp) show the same over real
// sockets; here each step is driven, and the timers fire when the test moves the clock.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <map>
#include <mutex>

#include "actors/ptt/talk_group.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "protocols/native/ptt_codec.hpp"
#include "tests/actors/deterministic.hpp"
#include "tests/actors/recording_outbound.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

/// The recorder's side of a burst, kept in memory: what was appended, under which key.
struct recorder_log {
  std::map<std::string, size_t> appended;  ///< frames per burst key
  size_t closed = 0;
};

recorder_actor::behavior_type memory_recorder(recorder_actor::pointer,
                                              std::shared_ptr<recorder_log> log) {
  return {
      [](rec_open_atom, const std::string&) {},
      [log](rec_append_atom, const std::string& key, const audio_bytes&) { ++log->appended[key]; },
      [log](rec_close_atom, const std::string&, const persistence::ptt_message& m) {
        ++log->closed;
        return m.id;
      },
      [](rec_size_atom, const std::string&) { return int64_t{0}; },
      [](rec_read_atom, const std::string&, uint64_t, uint64_t) { return std::string{}; },
      [](caf::tick_atom) {},
  };
}

/// Floor timers of the tests: max_audio 10 s, busy_timeout 15 s, max_idle 3 s.
config::ptt_config test_timers() {
  config::ptt_config c;
  c.max_audio = 10s;
  c.busy_timeout = 15s;
  c.max_audio_lag = 0ms;  // the test clock is not the audio's clock
  return c;
}

struct group_fixture : test::deterministic_system {
  explicit group_fixture(config::ptt_config timers = test_timers()) : cfg_ptt(timers) {
    auto tenant = persistence::create_tenant(*sql, "north").id;
    persistence::tenant_scope scope(tenant);
    auto user = [&](const std::string& name) {
      persistence::user_record u;
      u.email = name + "@north.test";
      u.first_name = name;
      u.last_name = "Test";
      u.display_name = name;
      u.role = "user";
      u.status = "active";
      return persistence::create_user(*sql, scope, u).id;
    };
    for (const char* name : {"alice", "bob", "dora", "mallory"}) ids[name] = user(name);
    auto event = persistence::create_event(*sql, scope, "storm", false, {}, ids["alice"]);
    channel = persistence::create_channel(*sql, scope, event.id, std::nullopt, "ops").id;
    for (const char* name : {"alice", "bob", "dora"}) {
      persistence::assign_user(*sql, scope, event.id, ids[name],
                               std::string(name) == "dora" ? "DISPATCH" : "USER", std::nullopt,
                               std::vector<std::string>{channel}, ids["alice"]);
    }
    group_deps deps{store, sys.spawn(memory_recorder, log), cfg_ptt, {}, nullptr};
    deps.encoders[static_cast<size_t>(wire::native)] = &native_encoder;
    group = sys.spawn(talk_group_impl, deps, channel);
    run();
  }

  /// Connects `name` to the group: a session actor (to be monitored) and its connection.
  std::shared_ptr<test::recording_outbound> join(const std::string& name) {
    auto out = std::make_shared<test::recording_outbound>("ws-" + name);
    auto session = sys.spawn(
        [](caf::event_based_actor*) -> caf::behavior { return {[](const std::string&) {}}; });
    sessions[name] = session;
    auto joined = ask<bool>(group, subscribe_atom::value,
                            listener{"session:" + name, ids[name], out, wire::native, session});
    REQUIRE(joined);
    CHECK(std::get<0>(*joined));
    return out;
  }

  floor_answer start(const std::string& name, bool dispatcher = false) {
    auto r = ask<uint8_t>(group, talk_start_atom::value,
                          floor_request{"session:" + name, ids[name], dispatcher, false, ""});
    REQUIRE(r);
    return static_cast<floor_answer>(std::get<0>(*r));
  }

  std::string stop(const std::string& name) {
    auto r = ask<std::string, int64_t>(group, talk_stop_atom::value, "session:" + name, ids[name]);
    REQUIRE(r);
    return std::get<0>(*r);
  }

  /// `name` sends one audio frame read off its socket at `sent_us` (steady_us).
  void talk(const std::string& name, int64_t sent_us = 0) {
    caf::anon_send(group, audio_atom::value, "session:" + name, ids[name],
                   audio_bytes{std::make_shared<const std::string>("opus")}, sent_us);
    run();
  }

  config::ptt_config cfg_ptt;
  native::ptt_encoder native_encoder;
  std::shared_ptr<recorder_log> log = std::make_shared<recorder_log>();
  std::map<std::string, std::string> ids;
  std::map<std::string, caf::actor> sessions;
  std::string channel;
  talk_group_actor group;
};

using events = std::vector<std::string>;

/// A busy timeout shorter than the longest burst.
struct busy_fixture : group_fixture {
  static config::ptt_config timers() {
    auto c = test_timers();
    c.max_audio = 60s;
    c.busy_timeout = 5s;
    return c;
  }
  busy_fixture() : group_fixture(timers()) {}
};

/// Holders count as silent at once (max_idle 0), so the take-over is seen without waiting:
/// silence is measured on the real clock, which the test scheduler does not drive.
struct silent_fixture : group_fixture {
  static config::ptt_config timers() {
    auto c = test_timers();
    c.max_idle = 0ms;
    return c;
  }
  silent_fixture() : group_fixture(timers()) {}
};

/// Audio older than 1 s is late; the frames' ages are set by the test, on the real clock.
struct lag_fixture : group_fixture {
  static config::ptt_config timers() {
    auto c = test_timers();
    c.max_audio_lag = 1000ms;
    return c;
  }
  lag_fixture() : group_fixture(timers()) {}
};

}  // namespace

TEST_CASE_METHOD(group_fixture, "one talker at a time; the others hear the burst", "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  CHECK(bob->take() == events{"ptt.started"});
  CHECK(alice->take().empty());  // the talker is not told of their own start
  CHECK(start("bob") == floor_answer::busy);

  talk("alice");
  talk("bob");  // not the holder: neither forwarded nor recorded
  CHECK(bob->binary == 1);
  CHECK(alice->binary == 0);
  REQUIRE(log->appended.size() == 1);
  CHECK(log->appended.begin()->second == 1);

  CHECK(stop("bob").empty());  // only the holder's STOP frees the floor
  CHECK(start("bob") == floor_answer::busy);
  auto id = stop("alice");
  CHECK_FALSE(id.empty());
  CHECK(log->closed == 1);
  CHECK(bob->take() == events{"ptt.ended"});
  CHECK(start("bob") == floor_answer::granted);
}

TEST_CASE_METHOD(group_fixture, "members only; a dispatcher pre-empts a member", "[ptt][actor]") {
  auto alice = join("alice"), dora = join("dora");
  CHECK(start("mallory") == floor_answer::not_member);
  CHECK(start("alice") == floor_answer::granted);
  CHECK(start("dora", true) == floor_answer::granted);
  auto told = alice->take();
  REQUIRE(told.size() == 2);
  CHECK(told[0] == "ptt.released");
  CHECK(alice->events.empty());
  CHECK(told[1] == "ptt.started");  // dora's
  CHECK(start("alice") == floor_answer::busy);
}

TEST_CASE_METHOD(group_fixture, "the floor's timers release a holder who never stops",
                 "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  bob->take();
  advance(9s);
  CHECK(alice->take().empty());
  CHECK(start("bob") == floor_answer::busy);
  advance(1s);  // ptt.max_audio_ms
  auto released = alice->events;
  REQUIRE(released.size() == 1);
  CHECK(released[0].at("type") == "ptt.released");
  CHECK(released[0].at("reason") == "max_duration");
  CHECK(bob->take() == events{"ptt.ended"});
  CHECK(start("bob") == floor_answer::granted);
}

TEST_CASE_METHOD(group_fixture, "a holder whose session ends loses the floor", "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  bob->take();
  caf::anon_send_exit(sessions["alice"], caf::exit_reason::user_shutdown);
  run();
  CHECK(bob->take() == events{"ptt.ended"});
  CHECK(start("bob") == floor_answer::granted);
}

TEST_CASE_METHOD(group_fixture, "a group nobody listens to passivates after group_idle",
                 "[ptt][actor]") {
  join("alice");
  auto gone = std::make_shared<bool>(false);
  caf::actor_cast<caf::abstract_actor*>(group)->attach_functor([gone] { *gone = true; });
  run();
  caf::anon_send(group, unsubscribe_atom::value, std::string("session:alice"));
  run();
  advance(cfg_ptt.group_idle - 1s);
  CHECK_FALSE(*gone);
  CHECK(ask<bool, std::string, int64_t>(group, traffic_atom::value));
  advance(1s);
  CHECK(*gone);
}

TEST_CASE_METHOD(busy_fixture, "a floor held past the busy timeout is released", "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  advance(4s);
  CHECK(alice->take().empty());
  advance(1s);
  REQUIRE(alice->events.size() == 1);
  CHECK(alice->events[0].at("reason") == "busy_timeout");
  CHECK(start("bob") == floor_answer::granted);
}

TEST_CASE_METHOD(silent_fixture, "a silent holder's floor is taken over; the holder is told",
                 "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  CHECK(start("bob") == floor_answer::granted);
  auto told = alice->events;
  REQUIRE_FALSE(told.empty());
  CHECK(told[0].at("type") == "ptt.released");
  CHECK(told[0].at("reason") == "taken_over");
  // The holder asking again keeps the floor rather than taking it from themselves.
  CHECK(start("bob") == floor_answer::granted);
  CHECK(bob->take() == events{"ptt.started", "ptt.ended"});
}

TEST_CASE_METHOD(lag_fixture, "audio older than max_audio_lag is recorded but not delivered",
                 "[ptt][actor]") {
  auto alice = join("alice"), bob = join("bob");
  CHECK(start("alice") == floor_answer::granted);
  auto late_before = metrics::global().get_counter("sb_ptt_audio_frames_late_total", "").value();
  talk("alice", steady_us() - 5'000'000);  // queued 5 s somewhere: dropped whole
  CHECK(bob->binary == 0);
  talk("alice", steady_us());
  CHECK(bob->binary == 1);
  CHECK(log->appended.begin()->second == 2);  // the recording keeps both
  CHECK(metrics::global().get_counter("sb_ptt_audio_frames_late_total", "").value() ==
        late_before + 1);
}
