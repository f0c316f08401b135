// A call's life, step by step on a deterministic scheduler: ringing the callee's devices, the
// first device to answer taking the call, the ring timeout, a callee nobody can reach, and a
// party whose device drops and does not come back within the grace period. Every transition
// is committed (read back from the database) before its devices hear of it.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <map>

#include "actors/calls/call_actor.hpp"
#include "actors/directory/directory.hpp"
#include "actors/runtime/shared_bytes.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "tests/actors/deterministic.hpp"
#include "tests/support/raw_ws.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

/// The call events a device received, as JSON.
using device_log = std::vector<boost::json::object>;

struct call_fixture : test::deterministic_system {
  call_fixture() {
    tenant = persistence::create_tenant(*sql, "north").id;
    persistence::tenant_scope scope(tenant);
    int extension = 101;
    for (const char* name : {"alice", "bob", "carol"}) {
      persistence::user_record u;
      u.email = std::string(name) + "@north.test";
      u.first_name = name;
      u.last_name = "Test";
      u.display_name = name;
      u.role = "user";
      u.status = "active";
      u.extension = std::to_string(extension++);
      ids[name] = persistence::create_user(*sql, scope, u).id;
    }
    directory =
        sys.spawn(directory_impl, std::map<std::string, activator>{}, directory_placement{});
    cfg_calls.ring_timeout = 30s;
    cfg_calls.reconnect_grace = 15s;
    run();
  }

  /// A device (a native session) of `name` that can take calls; what it hears goes to `log`.
  caf::actor device(const std::string& name, std::shared_ptr<device_log> log) {
    auto d = sys.spawn([log](caf::event_based_actor*) -> caf::behavior {
      return {[log](call_atom, const shared_bytes& frame) {
        auto f = test::read_server_frame(*frame);
        REQUIRE(f);
        log->push_back(boost::json::parse(f->first.payload).as_object());
      }};
    });
    auto id = "session:" + name + std::to_string(++devices);
    REQUIRE(ask<bool>(directory, register_atom::value, id, d,
                      std::vector<std::string>{call_device_tag(ids[name])}));
    return d;
  }

  call_actor place(const std::string& id, const std::string& caller, const caf::actor& from,
                   const std::string& extension, std::optional<calls::call_row>* row) {
    auto call = sys.spawn(call_impl, call_deps{store, directory, cfg_calls, 5s, caf::actor{}}, id);
    call_setup setup;
    setup.tenant_id = tenant;
    setup.caller_id = ids[caller];
    setup.callees = {{"", extension}};
    setup.device = from;
    auto r = ask<calls::call_row>(call, invite_atom::value, setup);
    *row = r ? std::optional(std::get<0>(*r)) : std::nullopt;
    return call;
  }

  std::optional<calls::call_row> act(const call_actor& call, calls::call_action a,
                                     const std::string& who, const caf::actor& from) {
    call_command cmd;
    cmd.action = a;
    cmd.tenant_id = tenant;
    cmd.user_id = ids[who];
    cmd.device = from;
    auto r = ask<calls::call_row>(call, call_cmd_atom::value, cmd);
    if (!r) return std::nullopt;
    return std::get<0>(*r);
  }

  /// The call as committed.
  calls::call_row stored(const std::string& id) {
    auto c = persistence::find_call(*sql, persistence::tenant_scope(tenant), id);
    REQUIRE(c);
    return *c;
  }

  static std::vector<std::string> types(device_log& log) {
    std::vector<std::string> out;
    for (const auto& e : log) out.emplace_back(e.at("type").as_string());
    log.clear();
    return out;
  }

  config::calls_config cfg_calls;
  std::string tenant;
  std::map<std::string, std::string> ids;
  directory_actor directory;
  int devices = 0;
  const std::vector<std::string> call_ids{crypto::random_uuid(), crypto::random_uuid(),
                                          crypto::random_uuid(), crypto::random_uuid()};
};

using events = std::vector<std::string>;

}  // namespace

TEST_CASE_METHOD(call_fixture, "the first device to answer takes the call", "[calls][actor]") {
  auto alice_log = std::make_shared<device_log>(), bob1 = std::make_shared<device_log>(),
       bob2 = std::make_shared<device_log>();
  auto alice = device("alice", alice_log);
  auto bob_phone = device("bob", bob1);
  device("bob", bob2);
  std::optional<calls::call_row> row;
  auto call = place(call_ids[0], "alice", alice, "102", &row);
  REQUIRE(row);
  CHECK(row->state == "ringing");
  CHECK(stored(call_ids[0]).state == "ringing");
  CHECK(types(*bob1) == events{"call.incoming"});
  CHECK(types(*bob2) == events{"call.incoming"});
  CHECK(alice_log->empty());

  auto answered = act(call, calls::call_action::answer, "bob", bob_phone);
  REQUIRE(answered);
  CHECK(answered->state == "active");
  CHECK(stored(call_ids[0]).state == "active");
  CHECK(types(*bob2) == events{"call.answered_elsewhere"});
  CHECK(types(*alice_log) == events{"call.participant_joined"});
  CHECK_FALSE(act(call, calls::call_action::answer, "bob", bob_phone));  // answered already

  auto ended = act(call, calls::call_action::end, "alice", alice);
  REQUIRE(ended);
  CHECK(ended->state == "ended");
  auto done = stored(call_ids[0]);
  CHECK(done.state == "ended");
  CHECK(done.ended_at_us);
  CHECK(types(*bob1) == events{"call.ended"});
}

TEST_CASE_METHOD(call_fixture, "an unanswered call is missed when the ring timeout fires",
                 "[calls][actor]") {
  auto alice_log = std::make_shared<device_log>(), bob_log = std::make_shared<device_log>();
  auto alice = device("alice", alice_log);
  device("bob", bob_log);
  std::optional<calls::call_row> row;
  place(call_ids[1], "alice", alice, "102", &row);
  REQUIRE(row);
  advance(cfg_calls.ring_timeout - 1s);
  CHECK(stored(call_ids[1]).state == "ringing");
  advance(1s);
  auto c = stored(call_ids[1]);
  CHECK(c.state == "missed");
  CHECK(c.end_reason == "no_answer");
  CHECK(types(*alice_log) == events{"call.ended"});
  CHECK(types(*bob_log) == events{"call.incoming", "call.ended"});
}

TEST_CASE_METHOD(call_fixture, "a callee with no device online is missed at once",
                 "[calls][actor]") {
  auto alice_log = std::make_shared<device_log>();
  auto alice = device("alice", alice_log);
  std::optional<calls::call_row> row;
  place(call_ids[2], "alice", alice, "103", &row);
  REQUIRE(row);
  CHECK(row->state == "missed");
  CHECK(stored(call_ids[2]).end_reason == "callee_offline");
  CHECK(types(*alice_log) == events{"call.ended"});
}

TEST_CASE_METHOD(call_fixture, "a party whose device drops fails the call after the grace period",
                 "[calls][actor]") {
  auto alice_log = std::make_shared<device_log>(), bob_log = std::make_shared<device_log>();
  auto alice = device("alice", alice_log);
  auto bob = device("bob", bob_log);
  std::optional<calls::call_row> row;
  auto call = place(call_ids[3], "alice", alice, "102", &row);
  REQUIRE(act(call, calls::call_action::answer, "bob", bob));
  caf::anon_send_exit(bob, caf::exit_reason::user_shutdown);
  run();
  advance(cfg_calls.reconnect_grace - 1s);
  CHECK(stored(call_ids[3]).state == "active");  // bob may still come back

  SECTION("back in time on a new device, the call goes on there") {
    auto again = device("bob", bob_log);
    call_command media;
    media.action = calls::call_action::media;
    media.tenant_id = tenant;
    media.user_id = ids["bob"];
    media.device = again;
    media.video = false;
    REQUIRE(ask<calls::call_row>(call, call_cmd_atom::value, media));
    CHECK(types(*alice_log) == events{"call.participant_joined", "call.media"});
    advance(1h);  // the first drop's timer is stale now
    CHECK(stored(call_ids[3]).state == "active");
    caf::anon_send_exit(again, caf::exit_reason::user_shutdown);
    run();
    advance(cfg_calls.reconnect_grace);
  }
  SECTION("not back in time") {
    advance(1s);
  }
  auto c = stored(call_ids[3]);
  CHECK(c.state == "failed");
  CHECK(c.end_reason == "disconnected");
  auto heard = types(*alice_log);
  REQUIRE_FALSE(heard.empty());
  CHECK(heard.back() == "call.ended");
}
