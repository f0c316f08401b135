#include "tools/loadgen/tcp_cost.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/raw_ws.hpp"

namespace loadgen {

namespace {

struct tcp_cost_options {
  int connections = 1000;
  int fps = 50;           ///< messages per connection per second
  size_t bytes = 116;     ///< an 80-byte audio frame as listeners receive it
  double duration_s = 5;  ///< of writing
  int poll_us = 1000;
};

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// Connection pairs over 127.0.0.1: writers[i] talks to readers[i].
struct pairs {
  std::vector<int> writers, readers;
  ~pairs() {
    for (int fd : writers) ::close(fd);
    for (int fd : readers) ::close(fd);
  }
};

void connect_pairs(int n, pairs& p) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4096) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listener);
    throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
  }
  for (int i = 0; i < n; ++i) {
    int reader = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ::connect(reader, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // in progress
    int writer = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (reader < 0 || writer < 0) {
      ::close(listener);
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(writer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    p.readers.push_back(reader);
    p.writers.push_back(writer);
  }
  ::close(listener);
}

}  // namespace

int run_tcp_cost(int argc, char** argv) {
  tcp_cost_options o;
  try {
    parse_options(argc, argv, 2,
                  {{"--connections", [&](const std::string& v) { o.connections = std::stoi(v); }},
                   {"--fps", [&](const std::string& v) { o.fps = std::stoi(v); }},
                   {"--bytes", [&](const std::string& v) { o.bytes = std::stoul(v); }},
                   {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
                   {"--poll-us", [&](const std::string& v) { o.poll_us = std::stoi(v); }}});
    if (o.connections < 1 || o.fps < 1 || o.bytes < 1) throw std::invalid_argument("must be > 0");
  } catch (const std::exception& e) {
    std::cerr << "loadgen tcpcost: " << e.what()
              << "\nusage: loadgen tcpcost [--connections N] [--fps F] [--bytes B] "
                 "[--duration S] [--poll-us U]\n";
    return 2;
  }
  pairs p;
  connect_pairs(o.connections, p);
  int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  for (int fd : p.readers) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
  std::atomic<bool> running{true};
  uint64_t received_bytes = 0;
  double reader_cpu = 0;
  std::thread reader([&] {
    double cpu0 = thread_cpu_seconds();
    std::array<char, 64 * 1024> buffer;
    poll_sockets(epoll_fd, std::chrono::microseconds(o.poll_us), running,
                 [&](const epoll_event& ev) {
                   ssize_t got = ::recv(ev.data.fd, buffer.data(), buffer.size(), 0);
                   if (got > 0) received_bytes += static_cast<uint64_t>(got);
                 });
    reader_cpu = thread_cpu_seconds() - cpu0;
  });

  std::string message(o.bytes, 'x');
  auto period = std::chrono::microseconds(1'000'000 / o.fps);
  auto start = std::chrono::steady_clock::now();
  auto rounds = static_cast<int>(o.duration_s * o.fps);
  uint64_t sent = 0;
  double cpu0 = thread_cpu_seconds();
  for (int r = 0; r < rounds; ++r) {
    std::this_thread::sleep_until(start + r * period);
    for (int fd : p.writers) {
      if (::send(fd, message.data(), message.size(), MSG_NOSIGNAL) > 0) ++sent;
    }
  }
  double writer_cpu = thread_cpu_seconds() - cpu0;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  running = false;
  reader.join();
  ::close(epoll_fd);
  auto messages = static_cast<double>(sent);
  fmt::print(
      "tcpcost: {} connections x {} msg/s of {} bytes: {} sent in {:.1f} s ({:.0f}/s), {} of {} "
      "bytes read\n",
      o.connections, o.fps, o.bytes, sent, elapsed, messages / elapsed, received_bytes,
      sent * o.bytes);
  fmt::print("writer: {:.2f} us CPU per send ({:.0f}% of one core)\n", 1e6 * writer_cpu / messages,
             100 * writer_cpu / elapsed);
  fmt::print("reader: {:.2f} us CPU per message ({:.0f}% of one core)\n",
             1e6 * reader_cpu / messages, 100 * reader_cpu / elapsed);
  return 0;
}

}  // namespace loadgen
