#pragma once

// A bare WebSocket client for the fan-out benchmark: a blocking connect and upgrade, then
// frames parsed in place from whatever recv returned. Beast's per-message machinery cost the
// load generator more CPU per received frame than the node spent delivering it, so at 250,000
// frames/s the figures measured the load generator's backlog (docs/performance.md).

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace loadgen {

/// RFC 6455 opcodes the benchmark sends or reads.
namespace ws_opcode {
constexpr uint8_t text = 0x1, binary = 0x2, ping = 0x9, pong = 0xA;
}

/// Opens a TCP connection to host:port (TCP_NODELAY), upgrades at `target` with `token` as a
/// bearer token (none when empty) and returns the socket, non-blocking from then on. Bytes the
/// server sent after its 101 response go to `leftover`. Throws std::runtime_error on failure.
int open_raw_ws(const std::string& host, uint16_t port, const std::string& token,
                std::string& leftover, const std::string& target = "/ws");

/// A client (masked) frame with FIN set.
std::string client_frame(uint8_t opcode, std::string_view payload);

/// One complete server frame: its opcode and unmasked payload.
struct frame_view {
  uint8_t opcode = 0;
  std::string_view payload;
};

/// Reads the frame at the start of `bytes`. Returns the bytes it spans, or 0 when `bytes`
/// holds only part of it.
size_t next_frame(std::string_view bytes, frame_view& out);

/// Sends all of `data` on a non-blocking socket, waiting for room when the socket is full.
/// False when the connection failed.
bool send_all(int fd, std::string_view data);

/// Reads sockets the way the benchmark's readers do, until `running` is false: polls `epoll_fd`
/// without blocking, hands each ready entry to `ready(const epoll_event&)`, then sleeps
/// `interval` unless the poll came back full. A reader blocked in epoll_wait would be woken by
/// every frame, and on loopback the sender's send pays for that wake-up, a cost no remote client
/// puts on the node. Latencies read this way are over-stated by up to `interval`.
template <class Ready>
void poll_sockets(int epoll_fd, std::chrono::microseconds interval,
                  const std::atomic<bool>& running, Ready ready) {
  std::array<epoll_event, 256> events;
  while (running.load(std::memory_order_relaxed)) {
    int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 0);
    for (int i = 0; i < n; ++i) ready(events[static_cast<size_t>(i)]);
    if (n < static_cast<int>(events.size())) std::this_thread::sleep_for(interval);
  }
}

}  // namespace loadgen
