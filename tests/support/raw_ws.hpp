#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::test {

/// A frame as the server sent it.
struct server_frame {
  uint8_t opcode = 0;
  std::string payload;
};

/// The unmasked server frame at the start of `bytes` and how many bytes it took; nullopt while
/// `bytes` holds less than a whole frame.
std::optional<std::pair<server_frame, size_t>> read_server_frame(std::string_view bytes);

/// A masked client frame, as RFC 6455 requires of clients.
std::string masked_frame(uint8_t opcode, const std::string& payload);

/// A masked client text frame.
inline std::string masked_text_frame(const std::string& payload) {
  return masked_frame(0x1, payload);
}

/// The upgrade request for `target`, with `headers` (e.g. Authorization).
std::string upgrade_request(const std::string& target,
                            const std::map<std::string, std::string>& headers);

/// Opens a TCP connection, sends an upgrade request to /ws (authenticated with `token`)
/// immediately followed by `messages` as text frames, all in one write, and closes without
/// waiting for anything.
void blast_and_hang_up(uint16_t port, const std::string& token,
                       const std::vector<std::string>& messages);

/// A WebSocket client on a plain blocking socket, for what a polite client never does: frames
/// pipelined right behind the upgrade, floods that never read, writes that ignore the server.
class raw_ws {
 public:
  using frame = server_frame;

  /// Connects and sends `upgrade` (plus anything appended to it) in one write; does not wait.
  raw_ws(uint16_t port, const std::string& upgrade);
  ~raw_ws();
  raw_ws(const raw_ws&) = delete;
  raw_ws& operator=(const raw_ws&) = delete;

  /// Writes all of `bytes`; false once the server has closed the connection. With
  /// `read_meanwhile`, what the server sends is read (and kept for read_all) while writing, so
  /// that a server closing the connection under a long write cannot reset it away unread.
  bool send(const std::string& bytes, bool read_meanwhile = false);

  /// Reads the server's answer to the upgrade, then every frame until the server closes the
  /// connection (close frame and EOF) or `timeout` passes. The status line is in `status`.
  std::vector<frame> read_all(std::chrono::milliseconds timeout);

  /// The status line of the upgrade answer, once read_all has run.
  const std::string& status() const { return status_; }

  /// The code of a close frame among `frames`, if any.
  static std::optional<uint16_t> close_code(const std::vector<frame>& frames);

 private:
  /// Reads what is available now into in_; false at EOF or error.
  bool read_available();

  int fd_ = -1;
  std::string in_;  ///< bytes received, not yet parsed
  bool eof_ = false;
  std::string status_;
};

}  // namespace sb::test
