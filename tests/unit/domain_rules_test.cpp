// The domain's pure rules, step by step: who gets a talk group's floor, and who may act on a
// call. The actors apply these; here every branch is driven without a clock or a socket.

#include <catch2/catch.hpp>

#include "config/domain/calls/call_model.hpp"
#include "config/domain/ptt/event_rules.hpp"
#include "config/domain/ptt/floor.hpp"

using namespace sb;
using ptt::floor_claim;
using ptt::floor_verdict;

TEST_CASE("the floor goes to one member at a time, by rank", "[ptt][floor]") {
  floor_claim alice{"alice"}, bob{"bob"};
  floor_claim dispatcher{"dora", true, false};
  floor_claim emergency{"erin", true, true};

  CHECK(ptt::arbitrate(nullptr, alice, true, false) == floor_verdict::grant);
  CHECK(ptt::arbitrate(nullptr, alice, false, false) == floor_verdict::not_member);
  // An emergency broadcast needs no membership of the channel (its event was checked).
  CHECK(ptt::arbitrate(nullptr, emergency, false, false) == floor_verdict::grant);
  CHECK(ptt::arbitrate(&bob, alice, false, true) == floor_verdict::not_member);

  // Equal rank: busy while the holder talks, taken over once they are silent.
  CHECK(ptt::arbitrate(&alice, bob, true, false) == floor_verdict::busy);
  CHECK(ptt::arbitrate(&alice, bob, true, true) == floor_verdict::take_over);
  // The holder asking again keeps the floor, silent or not.
  CHECK(ptt::arbitrate(&alice, alice, true, false) == floor_verdict::keep);
  CHECK(ptt::arbitrate(&alice, alice, true, true) == floor_verdict::keep);

  // Emergency > dispatcher > member; never the other way round.
  CHECK(ptt::arbitrate(&alice, dispatcher, true, false) == floor_verdict::preempt);
  CHECK(ptt::arbitrate(&dispatcher, emergency, true, false) == floor_verdict::preempt);
  CHECK(ptt::arbitrate(&dispatcher, alice, true, false) == floor_verdict::busy);
  CHECK(ptt::arbitrate(&emergency, dispatcher, true, false) == floor_verdict::busy);
  floor_claim other_dispatcher{"dan", true, false};
  CHECK(ptt::arbitrate(&dispatcher, other_dispatcher, true, false) == floor_verdict::busy);
  CHECK(ptt::arbitrate(&dispatcher, other_dispatcher, true, true) == floor_verdict::take_over);
}

TEST_CASE("the dispatcher rule: an ACTIVE DISPATCH member, or an administrator", "[ptt]") {
  CHECK(ptt::dispatches("DISPATCH", "ACTIVE"));
  CHECK_FALSE(ptt::dispatches("DISPATCH", "PENDING"));
  CHECK_FALSE(ptt::dispatches("DISPATCH", "REJECTED"));
  CHECK_FALSE(ptt::dispatches("USER", "ACTIVE"));
  principal user;
  user.type = principal::kind::user;
  user.role = "user";
  CHECK_FALSE(ptt::may_manage_event(user, false));
  CHECK(ptt::may_manage_event(user, true));
  principal admin = user;
  admin.role = "admin";
  CHECK(ptt::may_manage_event(admin, false));
}

TEST_CASE("who may act on a call: another tenant's call does not exist", "[calls]") {
  calls::call_row c;
  c.id = "c1";
  c.tenant_id = "t1";
  calls::call_participant_row alice;
  alice.who.user_id = "alice";
  c.participants.push_back(alice);
  using calls::call_action;

  CHECK_FALSE(calls::refusal_for(&c, "t1", "alice", call_action::answer));
  auto missing = calls::refusal_for(nullptr, "t1", "alice", call_action::status);
  REQUIRE(missing);
  CHECK(missing->code == errc::not_found);
  auto other_tenant = calls::refusal_for(&c, "t2", "alice", call_action::status);
  REQUIRE(other_tenant);
  CHECK(other_tenant->code == errc::not_found);  // 404, never 403, across tenants
  auto stranger = calls::refusal_for(&c, "t1", "mallory", call_action::status);
  REQUIRE(stranger);
  CHECK(stranger->code == errc::forbidden);

  c.ended_at_us = 5;  // a finished call takes nothing but status
  CHECK_FALSE(calls::refusal_for(&c, "t1", "alice", call_action::status));
  for (auto a : {call_action::answer, call_action::reject, call_action::end, call_action::offer,
                 call_action::answer_sdp, call_action::ice, call_action::media}) {
    auto late = calls::refusal_for(&c, "t1", "alice", a);
    REQUIRE(late);
    CHECK(late->code == errc::conflict);
  }
}
