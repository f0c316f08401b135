#pragma once

// A bare WebSocket client for the fan-out benchmark: a blocking connect and upgrade, then
// frames parsed in place from whatever recv returned. Beast's per-message machinery cost the
// load generator more CPU per received frame than the node spent delivering it, so at 250,000
// frames/s the figures measured the load generator's backlog (docs/performance.md).

#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

/// Opens a TCP connection to host:port (TCP_NODELAY), upgrades at /ws with `token` as a
/// bearer token and returns the socket, non-blocking from then on. Bytes the server sent after
/// its 101 response go to `leftover`. Throws std::runtime_error on failure.
int open_raw_ws(const std::string& host, uint16_t port, const std::string& token,
                std::string& leftover);

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

}  // namespace loadgen
