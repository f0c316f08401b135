#include "protocols/engineio/session.hpp"

#include <boost/asio/post.hpp>

#include "protocols/engineio/responses.hpp"

namespace sb::engineio {

namespace {

message_ptr control(packet_type type, std::string_view data = {}) {
  auto m = std::make_shared<message>();
  m->polling = std::string(1, static_cast<char>(type)) + std::string(data);
  m->frame = ws::text_frame(m->polling);
  return m;
}

/// The connection handler of a WebSocket that belongs (or wants to belong) to a session.
class ws_link final : public ws::handler {
 public:
  ws_link(std::weak_ptr<session> s, ws::outbound_ptr out) : session_(std::move(s)), out_(out) {}

  void on_message(ws::opcode op, std::string payload) override {
    if (auto s = session_.lock()) s->on_ws_message(out_, op, std::move(payload));
  }
  void on_oversized(ws::opcode, uint64_t) override {
    // Over maxPayload: the Node server closes the transport, and so the session.
    out_->close(ws::close_code::policy_violation, "message too large");
  }
  void on_closed(uint16_t) override {
    if (auto s = session_.lock()) s->on_ws_closed(out_);
  }

 private:
  std::weak_ptr<session> session_;
  ws::outbound_ptr out_;
};

}  // namespace

ws::handler_ptr refuse_websocket(ws::outbound_ptr out) {
  out->close(1013, "too many sessions");  // RFC 6455 "try again later"
  return std::make_shared<ws_link>(std::weak_ptr<session>{}, std::move(out));
}

session::session(boost::asio::io_context& ioc, const options& opts, std::string sid,
                 std::function<void(const std::string&)> on_gone)
    : ioc_(ioc), opts_(opts), sid_(std::move(sid)), on_gone_(std::move(on_gone)), timer_(ioc) {}

void session::start(handler_ptr h) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(h);
  arm_timer(opts_.ping_interval);
}

std::string session::open_json(bool polling) const {
  return R"({"sid":")" + sid_ + R"(","upgrades":[)" + (polling ? R"("websocket")" : "") +
         R"(],"pingInterval":)" + std::to_string(opts_.ping_interval.count()) +
         R"(,"pingTimeout":)" + std::to_string(opts_.ping_timeout.count()) + R"(,"maxPayload":)" +
         std::to_string(opts_.max_payload) + "}";
}

std::string session::take_queued() {
  std::string body;
  for (const auto& m : queued_) {
    if (!body.empty()) body.push_back(record_separator);
    body += m->polling;
  }
  queued_.clear();
  queued_bytes_ = 0;
  return body;
}

void session::poll(http::responder respond) {
  std::unique_lock lock(mutex_);
  if (noop_owed_) {
    noop_owed_ = false;
    lock.unlock();
    respond(payload_response("6"));
    on_gone_(sid_);
    return;
  }
  if (state_ == state::closed || upgraded_) {
    lock.unlock();
    respond(error_response(error_code::bad_request));
    return;
  }
  if (held_poll_) {
    // Two polls at once: the client is broken; the first poll hears the close.
    lock.unlock();
    respond(error_response(error_code::bad_request));
    finish("transport error", "1");
    return;
  }
  if (probed_) {
    // Upgrading: the client only polls to end its last poll cleanly.
    lock.unlock();
    respond(payload_response("6"));
    return;
  }
  held_poll_ = std::move(respond);
  if (state_ == state::closing) {
    lock.unlock();
    finish("forced close", "1");
    return;
  }
  if (queued_.empty()) return;
  auto answer = std::move(*held_poll_);
  held_poll_.reset();
  auto body = take_queued();
  lock.unlock();
  answer(payload_response(std::move(body)));
}

void session::post(std::string_view body, http::responder respond) {
  {
    std::unique_lock lock(mutex_);
    if (state_ == state::closed || upgraded_) {
      lock.unlock();
      respond(error_response(error_code::bad_request));
      return;
    }
    if (posting_ || body.size() > opts_.max_payload) {
      lock.unlock();
      respond(posting_ ? error_response(error_code::bad_request)
                       : http::response::text(413, "payload too large", "text/plain"));
      finish("transport error", "1");
      return;
    }
    posting_ = true;
  }
  auto packets = decode_payload(body);
  if (!packets) {
    respond(error_response(error_code::bad_request));
    finish("parse error", "1");
    return;
  }
  deliver(std::move(*packets));
  {
    std::lock_guard lock(mutex_);
    posting_ = false;
  }
  respond(payload_response("ok"));
}

ws::handler_ptr session::attach_websocket(ws::outbound_ptr out, bool upgrade) {
  auto link = std::make_shared<ws_link>(weak_from_this(), out);
  std::unique_lock lock(mutex_);
  if (!upgrade) {
    ws_ = out;
    upgraded_ = true;
    out->send(ws::text_frame("0" + open_json(false)));
    return link;
  }
  if (state_ != state::open || upgraded_ || ws_) {
    lock.unlock();
    out->close(ws::close_code::normal, "");
    return link;
  }
  ws_ = std::move(out);
  return link;
}

bool session::send(const std::vector<message_ptr>& messages) {
  std::unique_lock lock(mutex_);
  if (state_ != state::open) return false;
  if (upgraded_) {
    // Over the WebSocket's budget the connection closes itself, and so the session.
    if (messages.size() == 1) return ws_->send(messages[0]->frame);
    for (const auto& m : messages) {  // several: one write for all
      if (!ws_->queue(m->frame, ws::delivery::reliable)) return false;
    }
    ws_->flush();
    return true;
  }
  for (const auto& m : messages) {
    queued_bytes_ += m->polling.size() + 1;
    queued_.push_back(m);
  }
  if (queued_bytes_ > opts_.max_buffered_bytes) {
    // A poller that does not keep up: closed, like a WebSocket over its budget. Posted, as
    // the caller may be inside this session's handler.
    lock.unlock();
    boost::asio::post(ioc_, [self = shared_from_this()] { self->finish("slow consumer", "1"); });
    return false;
  }
  if (!held_poll_ || probed_) return true;
  auto answer = std::move(*held_poll_);
  held_poll_.reset();
  auto body = take_queued();
  lock.unlock();
  answer(payload_response(std::move(body)));
  return true;
}

void session::close() {
  boost::asio::post(ioc_, [self = shared_from_this()] {
    std::unique_lock lock(self->mutex_);
    if (self->state_ != state::open) return;
    if (self->upgraded_ || self->held_poll_) {
      lock.unlock();
      self->finish("forced close", "1");
      return;
    }
    // Polling without a poll held: the next poll takes the rest and the close; a client that
    // does not poll again within a heartbeat is dropped.
    self->state_ = state::closing;
    self->arm_timer(self->opts_.ping_interval + self->opts_.ping_timeout);
  });
}

void session::on_ws_message(const ws::outbound_ptr& from, ws::opcode op, std::string payload) {
  std::unique_lock lock(mutex_);
  if (from != ws_ || state_ == state::closed) return;
  if (op == ws::opcode::binary) {
    lock.unlock();
    if (upgraded_) deliver({packet{packet_type::message, std::move(payload), true}});
    return;
  }
  auto p = decode_text(payload);
  if (!p) {
    lock.unlock();
    finish("parse error", "1");
    return;
  }
  if (upgraded_) {
    lock.unlock();
    deliver({std::move(*p)});
    return;
  }
  // The upgrade's candidate: "2probe" → "3probe" (and "6" to a held poll), then "5".
  std::optional<http::responder> answer;
  if (p->type == packet_type::ping && p->data == "probe") {
    probed_ = true;
    from->send(ws::text_frame("3probe"));
    answer = std::move(held_poll_);
    held_poll_.reset();
  } else if (p->type == packet_type::upgrade && probed_) {
    upgraded_ = true;
    probed_ = false;
    for (const auto& m : queued_) ws_->send(m->frame);
    queued_.clear();
    queued_bytes_ = 0;
    answer = std::move(held_poll_);
    held_poll_.reset();
  } else {
    // Anything else before the upgrade is complete: the candidate is dropped, polling goes on.
    ws_.reset();
    probed_ = false;
    lock.unlock();
    from->close(ws::close_code::protocol_error, "");
    return;
  }
  lock.unlock();
  if (answer) (*answer)(payload_response("6"));
}

void session::on_ws_closed(const ws::outbound_ptr& from) {
  std::unique_lock lock(mutex_);
  if (from != ws_) return;
  if (!upgraded_) {
    ws_.reset();  // a failed upgrade: polling goes on
    probed_ = false;
    return;
  }
  lock.unlock();
  finish("transport close", "", false);
}

void session::deliver(std::vector<packet> packets) {
  for (auto& p : packets) {
    switch (p.type) {
      case packet_type::message: {
        std::lock_guard order(deliver_mutex_);
        handler_ptr h;
        {
          std::lock_guard lock(mutex_);
          if (state_ == state::closed) return;
          h = handler_;
        }
        if (h) h->on_message(std::move(p.data), p.binary);
        break;
      }
      case packet_type::pong:
        heard_pong();
        break;
      case packet_type::close:
        client_closed();
        return;
      default:
        break;  // open, ping, upgrade and noop mean nothing from a client here
    }
  }
}

void session::heard_pong() {
  std::lock_guard lock(mutex_);
  if (state_ != state::open || !awaiting_pong_) return;
  awaiting_pong_ = false;
  arm_timer(opts_.ping_interval);
}

void session::arm_timer(std::chrono::milliseconds after) {
  auto generation = ++timer_generation_;
  timer_.expires_after(after);
  timer_.async_wait([weak = weak_from_this(), generation](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer(generation);
  });
}

void session::client_closed() {
  std::unique_lock lock(mutex_);
  bool poll_on_its_way = !held_poll_ && !upgraded_;
  lock.unlock();
  if (!poll_on_its_way) return finish("transport close", "6", false);
  // The client sent "1" while its poll may still be on the way (they travel on two
  // connections): that poll gets the "6" it would have got if it had arrived first; a poll
  // after it, or none within a ping timeout, and the sid is gone.
  finish("transport close", "", false, false);
  lock.lock();
  noop_owed_ = true;
  arm_timer(opts_.ping_timeout);
}

void session::on_timer(uint64_t generation) {
  std::unique_lock lock(mutex_);
  if (generation != timer_generation_) return;
  if (state_ == state::closed) {
    if (!noop_owed_) return;
    noop_owed_ = false;
    lock.unlock();
    on_gone_(sid_);
    return;
  }
  if (state_ == state::closing || awaiting_pong_) {
    lock.unlock();
    finish(state_ == state::closing ? "forced close" : "ping timeout", "1");
    return;
  }
  awaiting_pong_ = true;
  arm_timer(opts_.ping_timeout);
  lock.unlock();
  static const auto ping = control(packet_type::ping);
  send(ping);
}

void session::finish(std::string_view reason, std::string_view last, bool flush, bool forget) {
  std::optional<http::responder> answer;
  std::string body;
  ws::outbound_ptr ws;
  bool upgraded = false;
  {
    std::lock_guard lock(mutex_);
    if (state_ == state::closed) return;
    state_ = state::closed;
    ++timer_generation_;
    timer_.cancel();
    if (held_poll_) {
      answer = std::move(held_poll_);
      held_poll_.reset();
      if (flush) body = take_queued();
      if (!last.empty()) {
        if (!body.empty()) body.push_back(record_separator);
        body += last;
      }
    }
    queued_.clear();
    ws = std::move(ws_);
    upgraded = upgraded_;
  }
  if (answer) (*answer)(payload_response(std::move(body)));
  if (ws) ws->close(upgraded ? ws::close_code::normal : ws::close_code::going_away, "");
  if (forget) on_gone_(sid_);
  std::lock_guard order(deliver_mutex_);
  handler_ptr h;
  {
    std::lock_guard lock(mutex_);
    h = std::move(handler_);
  }
  if (h) h->on_closed(reason);
}

}  // namespace sb::engineio
