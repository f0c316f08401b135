#include "protocols/ws/connection_impl.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>

#include "config/ground/metrics.hpp"

namespace sb::ws {

namespace net = boost::asio;

namespace {

struct ws_metrics {
  metrics::gauge& open = metrics::global().get_gauge("sb_connections", "Open client connections",
                                                     {{"protocol", "websocket"}});
  metrics::counter& messages_in =
      metrics::global().get_counter("sb_ws_messages_in_total", "WebSocket messages received");
  metrics::counter& frames_out =
      metrics::global().get_counter("sb_ws_frames_out_total", "WebSocket frames written");
  metrics::counter& writes = metrics::global().get_counter(
      "sb_ws_writes_total", "Gather writes issued (frames_out / writes = frames per syscall)");
  metrics::counter& dropped = metrics::global().get_counter(
      "sb_ws_frames_dropped_total", "Droppable frames not sent because the client was slow");
  metrics::counter& slow = metrics::global().get_counter(
      "sb_ws_slow_consumer_closes_total", "Connections closed for exceeding their queue budget");
  metrics::counter& control_floods = metrics::global().get_counter(
      "sb_ws_control_flood_closes_total",
      "Connections closed for sending more pings and pongs than ws.control_frames_per_min");
  metrics::histogram& batch = metrics::global().get_histogram(
      "sb_ws_write_batch_frames", "Frames per gather write", metrics::size_bounds());
};

ws_metrics& ws_counters() {
  static ws_metrics m;
  return m;
}

std::atomic<uint64_t> next_serial{1};

constexpr uint16_t kAbnormal = 1006;  // never sent: reported when TCP dropped without a close

}  // namespace

connection::connection(net::ip::tcp::socket socket, const config::ws_config& cfg,
                       std::shared_ptr<connection_registry> registry,
                       std::shared_ptr<void> address_slot)
    : address_slot_(std::move(address_slot)),
      socket_(std::move(socket)),
      cfg_(cfg),
      registry_(std::move(registry)),
      serial_(next_serial.fetch_add(1)),
      id_("ws-" + std::to_string(serial_)),
      reader_(cfg.max_message_bytes),
      keepalive_timer_(socket_.get_executor()),
      close_timer_(socket_.get_executor()),
      queue_(cfg.outbound_queue_bytes, cfg.droppable_queue_bytes) {
  ws_counters().open.add(1);
}

connection::~connection() {
  ws_counters().open.add(-1);
}

void connection::start(std::string handshake_response, std::string leftover, attach_fn attach) {
  registry_->add(serial_, weak_from_this());
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  last_rx_ = control_window_start_ = std::chrono::steady_clock::now();
  next_ping_ = last_rx_ + cfg_.ping_interval;
  bool kick = false;
  {
    std::lock_guard guard{mutex_};
    queue_.push_control(std::make_shared<const std::string>(std::move(handshake_response)), true);
    schedule_write_locked(kick);
  }
  if (kick) post_write();
  handler_ = attach(shared_from_this());
  if (!leftover.empty()) process(leftover);
  arm_timer();
  if (!terminated_) do_read();
}

void connection::schedule_write_locked(bool& kick) {
  kick = !write_active_;
  write_active_ = true;
}

bool connection::send(frame_ptr frame, delivery d) {
  return push(std::move(frame), d, true);
}

bool connection::queue(frame_ptr frame, delivery d) {
  return push(std::move(frame), d, false);
}

void connection::flush() {
  bool kick = false;
  {
    std::lock_guard guard{mutex_};
    if (write_active_ || queue_.empty() || closing_) return;
    kick = write_through_locked();
  }
  if (kick) post_write();
}

bool connection::push(frame_ptr frame, delivery d, bool write) {
  bool kick = false;
  outbound_queue::push_result result;
  {
    std::lock_guard guard{mutex_};
    if (closing_) return false;
    result = queue_.push(std::move(frame), d);
    if (write && result == outbound_queue::push_result::queued && !write_active_) {
      kick = write_through_locked();
    }
  }
  switch (result) {
    case outbound_queue::push_result::queued:
      if (kick) post_write();
      return true;
    case outbound_queue::push_result::dropped:
      ws_counters().dropped.inc();
      return false;
    case outbound_queue::push_result::overflow:
      // A reliable frame does not fit: this client cannot keep up, and must not hold memory.
      ws_counters().slow.inc();
      begin_close(close_code::slow_consumer, "slow consumer", true);
      return false;
  }
  return false;
}

bool connection::write_through_locked() {
  write_active_ = true;
  writing_.clear();
  write_offset_ = 0;
  queue_.take_all(writing_);
  std::array<iovec, 16> iov;
  if (writing_.size() > iov.size()) return true;  // a backlog: the strand writes it
  size_t total = 0;
  for (size_t i = 0; i < writing_.size(); ++i) {
    iov[i] = {const_cast<char*>(writing_[i]->data()), writing_[i]->size()};
    total += writing_[i]->size();
  }
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = writing_.size();
  ssize_t n = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n <= 0) return true;  // the socket is full, or failed: the strand waits, or reports it
  auto sent = static_cast<size_t>(n);
  queue_.written(sent);
  ws_counters().writes.inc();
  if (sent < total) {
    write_offset_ = sent;
    return true;
  }
  ws_counters().frames_out.inc(writing_.size());
  ws_counters().batch.observe(static_cast<double>(writing_.size()));
  writing_.clear();
  write_active_ = false;
  return false;
}

void connection::close(uint16_t code, std::string reason) {
  begin_close(code, reason, false);
}

void connection::abort() {
  net::post(socket_.get_executor(),
            [self = shared_from_this()] { self->terminate(close_code::going_away); });
}

void connection::begin_close(uint16_t code, std::string_view reason, bool discard_queued) {
  bool kick = false;
  {
    std::lock_guard guard{mutex_};
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    if (discard_queued) queue_.clear();
    auto frame = close_frame(code, reason);
    close_frame_ = frame.get();
    queue_.push_control(std::move(frame));
    schedule_write_locked(kick);
  }
  net::post(socket_.get_executor(), [self = shared_from_this(), kick] {
    if (self->terminated_) return;
    self->close_timer_.expires_after(self->cfg_.close_timeout);
    self->close_timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->terminate(self->close_code_);
    });
    if (kick) self->do_write();
  });
}

void connection::push_control(frame_ptr frame, bool pong) {
  bool kick = false;
  {
    std::lock_guard guard{mutex_};
    if (closing_) return;
    if (pong) {
      queue_.push_pong(std::move(frame));
    } else {
      queue_.push_control(std::move(frame));
    }
    schedule_write_locked(kick);
  }
  if (kick) post_write();
}

void connection::post_write() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->do_write(); });
}

void connection::do_write() {
  {
    std::lock_guard guard{mutex_};
    if (writing_.empty()) {  // else: what a direct write left, from write_offset_ on
      write_offset_ = 0;
      queue_.take_all(writing_);
    }
    if (writing_.empty() || terminated_) {
      writing_.clear();
      write_active_ = false;
      return;
    }
  }
  buffers_.clear();
  size_t skip = write_offset_;
  for (const auto& f : writing_) {
    size_t from = std::min(skip, f->size());
    skip -= from;
    if (from < f->size()) buffers_.emplace_back(f->data() + from, f->size() - from);
    if (f.get() == close_frame_) close_sent_ = true;
  }
  ws_counters().batch.observe(static_cast<double>(writing_.size()));
  net::async_write(socket_, buffers_,
                   [self = shared_from_this()](boost::system::error_code ec, size_t bytes) {
                     self->on_write(ec, bytes);
                   });
}

void connection::on_write(boost::system::error_code ec, size_t bytes) {
  {
    std::lock_guard guard{mutex_};
    queue_.written(bytes);
  }
  ws_counters().writes.inc();
  ws_counters().frames_out.inc(writing_.size());
  writing_.clear();
  if (ec) return terminate(kAbnormal);
  if (close_sent_ && peer_closed_) return terminate(close_code_);
  do_write();
}

void connection::do_read() {
  // Wait for readability, then read into a per-thread buffer: an idle connection holds no
  // read buffer of its own (see docs/architecture.md).
  socket_.async_wait(net::socket_base::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (ec)
                         return self->terminate(self->close_sent_ ? self->close_code_ : kAbnormal);
                       self->read_available();
                     });
}

void connection::read_available() {
  thread_local std::array<char, 64 * 1024> buffer;
  // Bounded per turn, so one flooding client cannot monopolize an I/O thread.
  for (int turn = 0; turn < 4 && !terminated_; ++turn) {
    boost::system::error_code ec;
    size_t n = socket_.read_some(net::buffer(buffer), ec);
    if (ec == net::error::would_block) break;
    if (ec) return terminate(close_sent_ ? close_code_ : kAbnormal);
    last_rx_ = std::chrono::steady_clock::now();
    process(std::string_view(buffer.data(), n));
    if (n < buffer.size()) break;
  }
  if (!terminated_) do_read();
}

void connection::process(std::string_view bytes) {
  events_.clear();
  reader_.feed(bytes, events_);
  for (auto& ev : events_) {
    if (terminated_) return;
    switch (ev.what) {
      case inbound_event::kind::message:
        ws_counters().messages_in.inc();
        if (!peer_closed_) handler_->on_message(ev.op, std::move(ev.payload));
        break;
      case inbound_event::kind::oversized:
        handler_->on_oversized(ev.op, ev.size);
        break;
      case inbound_event::kind::ping:
        if (!control_frame_allowed()) return;
        push_control(make_frame(opcode::pong, ev.payload), true);
        break;
      case inbound_event::kind::pong:
        if (!control_frame_allowed()) return;
        break;
      case inbound_event::kind::close:
        peer_closed_ = true;
        if (close_sent_) return terminate(close_code_);
        // Echo the peer's code, as RFC 6455 §5.5.1 asks; then drop TCP once it is written.
        begin_close(ev.code == close_code::no_status ? close_code::normal : ev.code, "", true);
        break;
      case inbound_event::kind::error:
        spdlog::debug("{}: protocol error: {}", id_, ev.payload);
        begin_close(ev.code, ev.payload, true);
        break;
    }
  }
}

bool connection::control_frame_allowed() {
  if (cfg_.control_frames_per_min == 0) return true;
  auto now = std::chrono::steady_clock::now();
  if (now - control_window_start_ >= std::chrono::minutes(1)) {
    control_window_start_ = now;
    control_frames_ = 0;
  }
  if (++control_frames_ <= cfg_.control_frames_per_min) return true;
  if (control_frames_ == cfg_.control_frames_per_min + 1) ws_counters().control_floods.inc();
  begin_close(close_code::policy_violation, "too many control frames", true);
  return false;
}

void connection::arm_timer() {
  // One timer for both jobs: it wakes at the next ping or at the idle deadline, whichever
  // comes first, so an idle connection closes at ws.idle_timeout_ms, not at the next ping.
  keepalive_timer_.expires_at(std::min(next_ping_, last_rx_ + cfg_.idle_timeout));
  keepalive_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->on_timer();
  });
}

void connection::on_timer() {
  if (terminated_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_rx_ >= cfg_.idle_timeout) {
    begin_close(close_code::idle_timeout, "idle timeout", true);
    return;
  }
  if (now >= next_ping_) {
    push_control(make_frame(opcode::ping, {}));
    next_ping_ = now + cfg_.ping_interval;
  }
  arm_timer();
}

void connection::terminate(uint16_t code) {
  if (terminated_) return;
  terminated_ = true;
  keepalive_timer_.cancel();
  close_timer_.cancel();
  {
    // Under the lock: a sender writing directly (write_through_locked) may be using the socket.
    std::lock_guard guard{mutex_};
    closing_ = true;
    queue_.clear();
    boost::system::error_code ignored;
    socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  registry_->remove(serial_);
  if (handler_) {
    // Reset first: the handler may hold the last reference to the session actor.
    auto h = std::move(handler_);
    h->on_closed(code);
  }
}

}  // namespace sb::ws
