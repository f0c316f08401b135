#include "actors/calls/call_actor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <algorithm>

#include "actors/calls/matrix_events.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"
#include "actors/runtime/shared_bytes.hpp"
#include "config/ground/clock.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/store_job.hpp"
#include "protocols/native/call_codec.hpp"
#include "protocols/ws/frame.hpp"

namespace sb {

persistence::shard_key call_shard(const std::string& call_id) {
  return persistence::shard_key("call:" + call_id);
}

namespace {

using self_ptr = call_actor::stateful_pointer<call_state>;
using call_promise = caf::typed_response_promise<calls::call_row>;
using calls::call_action;
using calls::call_row;
using matrix_list = std::vector<persistence::matrix_event>;

bool is_ringing(const calls::call_participant_row& p) {
  return p.status == "ringing" || p.status == "invited";
}

size_t count_joined(const call_row& c) {
  return std::count_if(c.participants.begin(), c.participants.end(),
                       [](const auto& p) { return p.status == "joined"; });
}

void add_matrix(matrix_list& out, std::optional<persistence::matrix_event> e) {
  if (e) out.push_back(std::move(*e));
}

// --- devices -----------------------------------------------------------------------------

void send_frame(self_ptr self, const std::string& user_id, const ws::frame_ptr& f) {
  for (const auto& d : self->state.devices[user_id])
    caf::anon_send(d, call_atom::value, shared_bytes{f});
}

/// Sends `frame` to the devices of every party but `except` (a user id, or "").
void tell_parties(self_ptr self, const std::string& frame, const std::string& except = {}) {
  auto f = ws::text_frame(frame);
  for (const auto& p : self->state.call.participants) {
    if (p.who.user_id != except) send_frame(self, p.who.user_id, f);
  }
}

void add_device(self_ptr self, const std::string& user_id, const caf::actor& session) {
  auto& list = self->state.devices[user_id];
  if (!session || std::find(list.begin(), list.end(), session) != list.end()) return;
  self->monitor(session);
  list.push_back(session);
}

/// A party acting from a session the call does not know yet (a second device, or the same
/// user back after a disconnect) gets its events there from now on.
void adopt_device(self_ptr self, const call_command& cmd) {
  if (!cmd.device) return;
  add_device(self, cmd.user_id, cmd.device);
  self->state.grace.erase(cmd.user_id);
}

// --- committing ------------------------------------------------------------------------------

/// Tells the Matrix sender that events were queued (no-op without Matrix).
void nudge_matrix(self_ptr self) {
  if (self->state.deps.matrix_sender)
    caf::anon_send(self->state.deps.matrix_sender, matrix_atom::value);
}

/// Commits `next` with its audit event (and Matrix events), then makes it the call's state and
/// runs `then()`; on failure runs `failed(error)` and the call stays as it was. Other messages
/// wait meanwhile (await): transitions apply one at a time, in order.
template <class Then, class Failed>
void apply(self_ptr self, call_row next, std::string event, std::optional<std::string> user,
           std::string detail, matrix_list mx, Then then, Failed failed) {
  auto& st = self->state;
  bool finishing = next.finished() && !st.call.finished();
  int64_t at = now_us();
  bool nudge = !mx.empty();
  auto key = call_shard(next.id);
  st.deps.store.ask_awaited(
      self, key, "call_transition",
      [next, event, user, detail, mx, finishing, at](soci::session& sql) {
        if (finishing) {
          persistence::finish_call(sql, next);
        } else {
          persistence::save_call(sql, next);
        }
        persistence::append_call_event(sql, next, user, event, detail, at);
        for (const auto& e : mx) persistence::enqueue_matrix_event(sql, e, at);
        return true;
      },
      [self, next, then, nudge](bool) mutable {
        self->state.call = std::move(next);
        if (nudge) nudge_matrix(self);
        then();
      },
      [failed](const persistence::store_failure& f) mutable {
        auto err = f.to_error();
        failed(err);
      });
}

std::string detail_json(boost::json::object o) {
  return boost::json::serialize(o);
}

/// Makes `next` finished in `state` for `reason`: joined parties leave, ringing ones missed.
void finish(call_row& next, std::string state, std::string reason) {
  auto now = now_us();
  next.state = std::move(state);
  next.end_reason = std::move(reason);
  next.ended_at_us = now;
  for (auto& p : next.participants) {
    if (p.status == "joined") {
      p.status = "left";
      p.left_at_us = now;
    } else if (is_ringing(p)) {
      p.status = "missed";
    }
  }
}

/// After a committed end: every device hears it, and the actor goes (its directory entry
/// with it).
void announce_end(self_ptr self, const std::optional<std::string>& by) {
  tell_parties(self, native::encode_call_ended(self->state.call, by));
  spdlog::debug("call {} {} ({})", self->state.call.id, self->state.call.state,
                self->state.call.end_reason.value_or(""));
  self->quit();
}

/// Commits an end of the call caused by `by` (nullopt: a timer), announces it.
template <class Then, class Failed>
void end_call(self_ptr self, call_row next, std::optional<std::string> by, Then then,
              Failed failed) {
  matrix_list mx;
  if (self->state.matrix_invited)
    add_matrix(mx, matrix::end_of(next, by.value_or(next.initiator_id)));
  auto event = next.state;
  auto detail = detail_json({{"reason", next.end_reason.value_or("")}});
  apply(
      self, std::move(next), std::move(event), by, std::move(detail), std::move(mx),
      [self, by, then]() mutable {
        then();
        announce_end(self, by);
      },
      failed);
}

caf::error refuse(errc code, std::string message) {
  return caf::make_error(code, std::move(message));
}

// --- setting up ------------------------------------------------------------------------------

void start_ringing(self_ptr self, call_promise rp);

/// Looks up the devices of the parties from `index` on (the caller's too when it called over
/// REST), then rings.
void find_devices(self_ptr self, size_t index, bool caller_has_device, call_promise rp) {
  auto& c = self->state.call;
  if (index == 0 && caller_has_device) index = 1;
  if (index >= c.participants.size()) return start_ringing(self, std::move(rp));
  auto user = c.participants[index].who.user_id;
  self->request(finder_of(self->state.deps), self->state.deps.request_timeout, tagged_atom::value,
                call_device_tag(user))
      .await(
          [=](const std::vector<caf::actor>& sessions) mutable {
            for (const auto& s : sessions) add_device(self, user, s);
            find_devices(self, index + 1, caller_has_device, std::move(rp));
          },
          [=](caf::error& err) mutable {
            rp.deliver(err);
            self->quit();
          });
}

void arm_ring_timer(self_ptr self) {
  self->delayed_send(self, self->state.deps.cfg.ring_timeout, ring_timer_atom::value,
                     ++self->state.ring_timer);
}

void start_ringing(self_ptr self, call_promise rp) {
  auto& st = self->state;
  call_row next = st.call;
  bool any = false;
  for (auto& p : next.participants) {
    if (p.role == "caller") continue;
    if (st.devices[p.who.user_id].empty()) {
      p.status = "missed";
    } else {
      p.status = "ringing";
      any = true;
    }
  }
  auto fail = [self, rp](caf::error& err) mutable {
    rp.deliver(err);
    self->quit();
  };
  if (!any) {
    // Nobody to ring: the call is missed at once (the callee's history says so).
    finish(next, "missed", "callee_offline");
    return end_call(
        self, std::move(next), std::nullopt, [self, rp]() mutable { rp.deliver(self->state.call); },
        fail);
  }
  next.state = "ringing";
  // Ring first, then commit: the call itself is committed already, and the ring is what a
  // callee waits for.
  auto incoming = ws::text_frame(native::encode_call_incoming(next, st.offer));
  for (const auto& p : next.participants) {
    if (p.status == "ringing") send_frame(self, p.who.user_id, incoming);
  }
  matrix_list mx;
  if (st.offer) {
    add_matrix(mx, matrix::invite(next, *st.offer, st.deps.cfg.ring_timeout));
    st.matrix_invited = !mx.empty();
  }
  apply(
      self, std::move(next), "ringing", std::nullopt, "{}", std::move(mx),
      [self, rp]() mutable {
        arm_ring_timer(self);
        rp.deliver(self->state.call);
      },
      fail);
}

void on_invite(self_ptr self, const std::string& id, call_setup& setup, call_promise rp) {
  auto& st = self->state;
  if (setup.callees.size() + 1 > st.deps.cfg.max_participants) {
    rp.deliver(refuse(errc::limit_reached,
                      fmt::format("a call has at most {} participants (calls.max_participants)",
                                  st.deps.cfg.max_participants)));
    return self->quit();
  }
  st.offer = setup.sdp;
  if (st.offer && st.offer->size() > st.deps.cfg.max_sdp_bytes) {
    rp.deliver(refuse(errc::payload_too_large,
                      fmt::format("sdp is larger than {} bytes", st.deps.cfg.max_sdp_bytes)));
    return self->quit();
  }
  auto now = now_us();
  auto insert = [id, setup, now, member = st.deps.member](soci::session& sql) {
    auto parties = persistence::resolve_call_parties(
        sql, persistence::tenant_scope(setup.tenant_id), setup.caller_id, setup.callees);
    call_row c;
    c.id = id;
    c.tenant_id = setup.tenant_id;
    c.initiator_id = setup.caller_id;
    c.media = setup.media;
    c.room_id = setup.room_id;
    c.state = "initiated";
    c.created_at_us = now;
    for (auto& who : parties) {
      calls::call_participant_row p;
      p.role = c.participants.empty() ? "caller" : "callee";
      p.status = c.participants.empty() ? "joined" : "invited";
      p.who = std::move(who);
      p.video = setup.media == "video";
      p.invited_at_us = now;
      if (p.role == "caller") p.joined_at_us = now;
      c.participants.push_back(std::move(p));
    }
    persistence::insert_call(sql, c);
    if (!member.empty()) persistence::set_call_member(sql, id, member);
    return c;
  };
  bool caller_has_device = static_cast<bool>(setup.device);
  if (caller_has_device) add_device(self, setup.caller_id, setup.device);
  auto fail = [self, rp](caf::error& err) mutable {
    rp.deliver(err);
    self->quit();
  };
  // Registered first, so that whoever learns the call id finds the call.
  self->request(st.deps.directory, st.deps.request_timeout, register_atom::value, "call:" + id,
                caf::actor_cast<caf::actor>(self))
      .await(
          [=](bool) {
            self->state.deps.store.ask_awaited(
                self, call_shard(id), "insert_call", insert,
                [self, rp, caller_has_device](call_row& c) mutable {
                  self->state.call = std::move(c);
                  find_devices(self, 0, caller_has_device, std::move(rp));
                },
                [fail](const persistence::store_failure& f) mutable {
                  auto err = f.to_error();
                  fail(err);
                });
          },
          fail);
}

// --- transitions -----------------------------------------------------------------------------

void on_answer(self_ptr self, const call_command& cmd, call_promise rp) {
  auto& c = self->state.call;
  auto* p = c.participant(cmd.user_id);
  if (p->role == "caller") {
    return void(rp.deliver(refuse(errc::forbidden, "the caller cannot answer their own call")));
  }
  if (p->status == "joined")
    return void(rp.deliver(refuse(errc::conflict, "you already answered this call")));
  if (!is_ringing(*p)) {
    return void(rp.deliver(
        refuse(errc::conflict, "this call can no longer be answered (you are " + p->status + ")")));
  }
  call_row next = c;
  auto now = now_us();
  auto* np = next.participant(cmd.user_id);
  np->status = "joined";
  np->joined_at_us = now;
  if (!next.answered_at_us) next.answered_at_us = now;
  next.state = "active";
  apply(
      self, std::move(next), "answered", cmd.user_id, "{}", {},
      [self, cmd, rp]() mutable {
        auto& devices = self->state.devices[cmd.user_id];
        if (cmd.device) {
          // The first device to answer takes the call; the others stop ringing.
          auto elsewhere =
              ws::text_frame(native::encode_call_answered_elsewhere(self->state.call.id));
          for (const auto& d : devices) {
            if (d != cmd.device) caf::anon_send(d, call_atom::value, shared_bytes{elsewhere});
          }
          devices.clear();
          add_device(self, cmd.user_id, cmd.device);
        }
        auto* who = self->state.call.participant(cmd.user_id);
        tell_parties(self, native::encode_call_participant(true, self->state.call.id, who->who, ""),
                     cmd.user_id);
        rp.deliver(self->state.call);
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

/// The call goes on without `user_id`, who left for `reason`: the others hear it.
void announce_left(self_ptr self, const std::string& user_id, const std::string& reason) {
  auto* p = self->state.call.participant(user_id);
  tell_parties(self, native::encode_call_participant(false, self->state.call.id, p->who, reason));
}

/// A party leaves (ended, declined, timed out or dropped): the call ends when it cannot go on
/// (before an answer: the caller left or nobody rings any more; after: fewer than two remain).
void leave(self_ptr self, const std::string& user_id, std::string status, std::string reason,
           std::optional<std::string> by, call_promise rp) {
  auto& c = self->state.call;
  call_row next = c;
  auto now = now_us();
  auto* np = next.participant(user_id);
  bool was_joined = np->status == "joined";
  np->status = status;
  if (was_joined) np->left_at_us = now;
  bool answered = next.answered_at_us.has_value();
  bool caller_left = np->role == "caller";
  bool anyone_ringing = std::any_of(next.participants.begin(), next.participants.end(), is_ringing);
  bool over = answered ? count_joined(next) < 2 : (caller_left || !anyone_ringing);
  auto deliver = [self, rp]() mutable { rp.deliver(self->state.call); };
  auto failed = [rp](caf::error& err) mutable { rp.deliver(err); };
  if (!over) {
    return apply(
        self, std::move(next), status == "left" ? "left" : status, user_id,
        detail_json({{"reason", reason}}), {},
        [self, user_id, reason, deliver]() mutable {
          announce_left(self, user_id, reason);
          deliver();
        },
        failed);
  }
  if (!answered && caller_left && reason == "hangup") reason = "cancelled";
  std::string state = "ended";
  if (!answered && status == "declined") state = "rejected";
  if (!answered && status == "missed") state = "missed";
  if (reason == "disconnected") state = "failed";
  finish(next, state, reason);
  end_call(self, std::move(next), std::move(by), deliver, failed);
}

void on_reject(self_ptr self, const call_command& cmd, call_promise rp) {
  auto* p = self->state.call.participant(cmd.user_id);
  if (p->role == "caller") {
    return void(rp.deliver(
        refuse(errc::forbidden, "the caller ends a call (call.end), it cannot reject it")));
  }
  if (p->status == "joined") {
    return void(rp.deliver(refuse(errc::conflict, "you answered this call; end it instead")));
  }
  if (!is_ringing(*p)) {
    return void(rp.deliver(refuse(errc::conflict, "this call is no longer ringing for you")));
  }
  leave(self, cmd.user_id, "declined", "rejected", cmd.user_id, std::move(rp));
}

void on_end(self_ptr self, const call_command& cmd, call_promise rp) {
  auto* p = self->state.call.participant(cmd.user_id);
  if (is_ringing(*p)) return on_reject(self, cmd, std::move(rp));  // hanging up a ringing call
  if (p->status != "joined") {
    return void(
        rp.deliver(refuse(errc::conflict, "you are no longer in this call (" + p->status + ")")));
  }
  leave(self, cmd.user_id, "left", "hangup", cmd.user_id, std::move(rp));
}

// --- signaling -------------------------------------------------------------------------------

/// Who a signaling message goes to, or the refusal.
std::variant<std::vector<std::string>, caf::error> targets_of(const call_row& c,
                                                              const call_command& cmd) {
  std::vector<std::string> out;
  if (!cmd.to.empty()) {
    auto* q = c.participant(cmd.to);
    if (!q || cmd.to == cmd.user_id) {
      return refuse(errc::forbidden, cmd.to + " is not another participant of this call");
    }
    if (q->status != "joined" && !is_ringing(*q)) {
      return refuse(errc::conflict, cmd.to + " is no longer in this call");
    }
    out.push_back(cmd.to);
    return out;
  }
  for (const auto& q : c.participants) {
    if (q.who.user_id != cmd.user_id && (q.status == "joined" || is_ringing(q))) {
      out.push_back(q.who.user_id);
    }
  }
  return out;
}

std::string relayed_frame(const call_row& c, const call_command& cmd) {
  switch (cmd.action) {
    case call_action::offer:
    case call_action::answer_sdp:
      return native::encode_call_sdp(cmd.action, c.id, cmd.user_id, cmd.payload);
    case call_action::ice:
      return native::encode_call_ice(c.id, cmd.user_id, cmd.payload);
    default:
      return native::encode_call_media(c.id, cmd.user_id, c.participant(cmd.user_id)->audio,
                                       c.participant(cmd.user_id)->video);
  }
}

matrix_list matrix_of_signal(self_ptr self, const call_command& cmd) {
  auto& st = self->state;
  matrix_list mx;
  if (!st.call.room_id) return mx;
  switch (cmd.action) {
    case call_action::offer:
      if (!st.matrix_invited && cmd.user_id == st.call.initiator_id) {
        add_matrix(mx, matrix::invite(st.call, cmd.payload, st.deps.cfg.ring_timeout));
        st.matrix_invited = true;
      }
      break;
    case call_action::answer_sdp:
      add_matrix(mx, matrix::answer(st.call, cmd.user_id, cmd.payload));
      break;
    case call_action::ice:
      if (st.matrix_invited) add_matrix(mx, matrix::candidates(st.call, cmd.user_id, cmd.payload));
      break;
    default:
      break;
  }
  return mx;
}

/// Relays SDP, ICE or a media change at once, then audits it (and queues its Matrix event);
/// answers after that commit.
void on_signal(self_ptr self, const call_command& cmd, call_promise rp) {
  auto& st = self->state;
  auto& cfg = st.deps.cfg;
  auto* p = st.call.participant(cmd.user_id);
  if (p->status != "joined") {
    return void(rp.deliver(refuse(errc::conflict, fmt::format("answer the call before sending {}",
                                                              calls::action_name(cmd.action)))));
  }
  size_t limit = cmd.action == call_action::ice ? cfg.max_candidate_bytes : cfg.max_sdp_bytes;
  if (cmd.action != call_action::media && cmd.payload.size() > limit) {
    return void(rp.deliver(
        refuse(errc::payload_too_large,
               fmt::format("{} is larger than {} bytes",
                           cmd.action == call_action::ice ? "the candidate" : "sdp", limit))));
  }
  auto targets = targets_of(st.call, cmd);
  if (auto* err = std::get_if<caf::error>(&targets)) return void(rp.deliver(*err));
  boost::json::object detail{
      {"to", cmd.to.empty() ? boost::json::value(nullptr) : boost::json::value(cmd.to)}};
  if (cmd.action == call_action::media) {
    p->audio = cmd.audio.value_or(cmd.flip_audio ? !p->audio : p->audio);
    p->video = cmd.video.value_or(cmd.flip_video ? !p->video : p->video);
    detail["audio"] = p->audio;
    detail["video"] = p->video;
  } else {
    detail["bytes"] = cmd.payload.size();
  }
  auto frame = ws::text_frame(relayed_frame(st.call, cmd));
  for (const auto& user : std::get<std::vector<std::string>>(targets)) {
    send_frame(self, user, frame);
  }
  auto mx = matrix_of_signal(self, cmd);
  bool nudge = !mx.empty();
  auto snapshot = st.call;
  auto type = std::string(calls::action_name(cmd.action));
  auto at = now_us();
  st.deps.store.ask(
      self, call_shard(st.call.id), "call_signal",
      [snapshot, cmd_user = cmd.user_id, type, detail = detail_json(detail), mx, at,
       media = cmd.action == call_action::media](soci::session& sql) {
        if (media) persistence::save_call(sql, snapshot);
        persistence::append_call_event(sql, snapshot, cmd_user, type, detail, at);
        for (const auto& e : mx) persistence::enqueue_matrix_event(sql, e, at);
        return true;
      },
      [self, rp, nudge](bool) mutable {
        if (nudge) nudge_matrix(self);
        rp.deliver(self->state.call);
      },
      [rp](const persistence::store_failure& f) mutable { rp.deliver(f.to_error()); });
}

void on_command(self_ptr self, call_command& cmd, call_promise rp) {
  auto& c = self->state.call;
  if (auto no = calls::refusal_for(&c, cmd.tenant_id, cmd.user_id, cmd.action)) {
    return void(rp.deliver(refuse(no->code, std::move(no->message))));
  }
  if (cmd.action == call_action::status) return void(rp.deliver(c));
  if (cmd.action != call_action::answer) adopt_device(self, cmd);
  switch (cmd.action) {
    case call_action::answer:
      return on_answer(self, cmd, std::move(rp));
    case call_action::reject:
      return on_reject(self, cmd, std::move(rp));
    case call_action::end:
      return on_end(self, cmd, std::move(rp));
    default:
      return on_signal(self, cmd, std::move(rp));
  }
}

// --- timers and dropped devices --------------------------------------------------------------

/// Retries a timer-driven transition whose commit failed (the database was away).
template <class... Ts>
void retry_later(self_ptr self, Ts... msg) {
  self->delayed_send(self, std::chrono::seconds(1), msg...);
}

void on_ring_timeout(self_ptr self, uint64_t generation) {
  auto& c = self->state.call;
  if (c.finished() || generation != self->state.ring_timer) return;
  std::vector<std::string> unanswered;
  for (const auto& p : c.participants) {
    if (is_ringing(p)) unanswered.push_back(p.who.user_id);
  }
  if (unanswered.empty()) return;
  call_row next = c;
  for (auto& p : next.participants) {
    if (is_ringing(p)) p.status = "missed";
  }
  auto failed = [self, generation](caf::error&) {
    retry_later(self, ring_timer_atom::value, generation);
  };
  if (count_joined(next) < 2) {
    finish(next, "missed", "no_answer");
    return end_call(
        self, std::move(next), std::nullopt, [] {}, failed);
  }
  apply(
      self, std::move(next), "missed", std::nullopt, detail_json({{"reason", "no_answer"}}), {},
      [self, unanswered] {
        for (const auto& u : unanswered) announce_left(self, u, "no_answer");
      },
      failed);
}

void on_grace_over(self_ptr self, const std::string& user_id, uint64_t generation) {
  auto& st = self->state;
  auto it = st.grace.find(user_id);
  if (st.call.finished() || it == st.grace.end() || it->second != generation) return;
  auto* p = st.call.participant(user_id);
  if (!p || p->status != "joined" || !st.devices[user_id].empty()) return;
  st.grace.erase(it);
  // The promise answers nobody: a timer asked.
  auto rp = self->make_response_promise<calls::call_row>();
  leave(self, user_id, "left", "disconnected", std::nullopt, rp);
}

void on_device_down(self_ptr self, const caf::actor_addr& gone) {
  auto& st = self->state;
  for (auto& [user, list] : st.devices) {
    auto before = list.size();
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const caf::actor& a) { return a == gone; }),
        list.end());
    if (list.size() == before || !list.empty()) continue;
    auto* p = st.call.participant(user);
    if (!p || p->status != "joined" || st.call.finished()) continue;
    // The party's last device is gone: it may come back within the grace period.
    auto generation = ++st.grace_timer;
    st.grace[user] = generation;
    self->delayed_send(self, st.deps.cfg.reconnect_grace, grace_timer_atom::value, user,
                       generation);
  }
}

}  // namespace

std::string call_device_tag(const std::string& user_id) {
  return "calls:" + user_id;
}

call_actor::behavior_type call_impl(self_ptr self, call_deps deps, std::string id) {
  static actor_census census{"call"};
  census.track(self);
  self->state.deps = std::move(deps);
  self->set_down_handler([self](caf::down_msg& dm) { on_device_down(self, dm.source); });
  return {
      [=](invite_atom, call_setup& setup) -> caf::result<calls::call_row> {
        census.on_message(self);
        auto rp = self->make_response_promise<calls::call_row>();
        on_invite(self, id, setup, rp);
        return rp;
      },
      [=](call_cmd_atom, call_command& cmd) -> caf::result<calls::call_row> {
        census.on_message(self);
        auto rp = self->make_response_promise<calls::call_row>();
        on_command(self, cmd, rp);
        return rp;
      },
      [=](ring_timer_atom, uint64_t generation) { on_ring_timeout(self, generation); },
      [=](grace_timer_atom, const std::string& user_id, uint64_t generation) {
        on_grace_over(self, user_id, generation);
      },
  };
}

}  // namespace sb
