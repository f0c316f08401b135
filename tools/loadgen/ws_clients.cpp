#include "tools/loadgen/ws_clients.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/raw_ws.hpp"

namespace loadgen {

namespace {

/// Audio as listeners receive it: 0x01 | flags | channel (16) | sender (16) | payload.
constexpr size_t kAudioHeader = 34;

}  // namespace

ws_clients::ws_clients(int reader_threads, std::chrono::microseconds poll_interval)
    : poll_interval_(poll_interval) {
  for (int i = 0; i < reader_threads; ++i) {
    auto r = std::make_unique<reader>();
    r->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (r->epoll_fd < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    r->thread = std::thread([this, p = r.get()] { read_loop(*p); });
    readers_.push_back(std::move(r));
  }
}

ws_clients::~ws_clients() {
  stop();
  for (auto& c : clients_) ::close(c.fd);
}

size_t ws_clients::add(const std::string& host, uint16_t port, const std::string& token,
                       const std::string& target) {
  std::string leftover;
  auto& c = clients_.emplace_back();
  c.index = clients_.size() - 1;
  c.fd = open_raw_ws(host, port, token, leftover, target);
  feed(c, leftover, nullptr);
  auto& r = *readers_[c.index % readers_.size()];
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &c;
  ::epoll_ctl(r.epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
  return c.index;
}

bool ws_clients::send(size_t i, std::string_view frame) {
  return reply(clients_[i], frame);
}

bool ws_clients::reply(client& c, std::string_view frame) {
  std::lock_guard guard{c.send_mutex};
  return send_all(c.fd, frame);
}

void ws_clients::stop() {
  if (!running_.exchange(false)) return;
  for (auto& r : readers_) {
    r->thread.join();
    ::close(r->epoll_fd);
  }
}

uint64_t ws_clients::received() const {
  uint64_t n = 0;
  for (const auto& r : readers_) n += r->received;
  return n;
}

std::vector<double> ws_clients::latencies_ms() const {
  std::vector<double> all;
  for (const auto& r : readers_)
    all.insert(all.end(), r->latencies_ms.begin(), r->latencies_ms.end());
  return all;
}

void ws_clients::delivered(reader* r, int64_t sent_ns) {
  if (!r || !measuring_.load(std::memory_order_relaxed)) return;
  ++r->received;
  r->latencies_ms.push_back(static_cast<double>(now_ns() - sent_ns) / 1e6);
}

void ws_clients::read_loop(reader& r) {
  std::array<char, 64 * 1024> buffer;
  poll_sockets(r.epoll_fd, poll_interval_, running_, [&](const epoll_event& ev) {
    auto& c = *static_cast<client*>(ev.data.ptr);
    ssize_t got;
    do {
      got = ::recv(c.fd, buffer.data(), buffer.size(), 0);
      if (got > 0) feed(c, std::string_view(buffer.data(), static_cast<size_t>(got)), &r);
    } while (got == static_cast<ssize_t>(buffer.size()));
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
      ::epoll_ctl(r.epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
      ++closed_;
    }
  });
}

void ws_clients::feed(client& c, std::string_view bytes, reader* r) {
  // Parse in place when no partial frame is pending (the usual case), else behind it.
  std::string_view rest = bytes;
  if (!c.pending.empty()) {
    c.pending.append(bytes);
    rest = c.pending;
  }
  frame_view f;
  size_t used = 0;
  while (size_t n = next_frame(rest.substr(used), f)) {
    if (f.opcode == ws_opcode::ping) {
      reply(c, client_frame(ws_opcode::pong, f.payload));
    } else {
      on_frame(c, f.opcode, f.payload, r);
    }
    used += n;
  }
  std::string tail(rest.substr(used));
  c.pending = std::move(tail);
}

void ptt_clients::on_frame(client&, uint8_t opcode, std::string_view payload, reader* r) {
  if (opcode == ws_opcode::binary && payload.size() >= kAudioHeader + 8) {
    int64_t sent;
    std::memcpy(&sent, payload.data() + kAudioHeader, sizeof sent);
    delivered(r, sent);
  } else if (opcode == ws_opcode::text) {
    if (payload.find(R"("type":"channel.joined")") != std::string_view::npos) ++joined_;
    if (payload.find(R"("type":"ptt.granted")") != std::string_view::npos) ++granted_;
  }
}

}  // namespace loadgen
