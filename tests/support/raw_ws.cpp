#include "tests/support/raw_ws.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace sb::test {

std::string masked_frame(uint8_t opcode, const std::string& payload) {
  std::string out;
  out.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((uint64_t{payload.size()} >> shift) & 0xFF));
    }
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  out.append(mask, 4);
  for (size_t i = 0; i < payload.size(); ++i) out.push_back(payload[i] ^ mask[i % 4]);
  return out;
}

std::string upgrade_request(const std::string& target,
                            const std::map<std::string, std::string>& headers) {
  std::string out = "GET " + target +
                    " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

void blast_and_hang_up(uint16_t port, const std::string& token,
                       const std::vector<std::string>& messages) {
  std::string bytes = upgrade_request("/ws", {{"Authorization", "Bearer " + token}});
  for (const auto& m : messages) bytes += masked_text_frame(m);
  raw_ws client(port, bytes);
}

raw_ws::raw_ws(uint16_t port, const std::string& upgrade) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("raw_ws: cannot connect");
  }
  if (!send(upgrade)) throw std::runtime_error("raw_ws: cannot send the upgrade");
}

raw_ws::~raw_ws() {
  if (fd_ >= 0) ::close(fd_);
}

bool raw_ws::read_available() {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    eof_ = true;  // EOF or reset: the server is done
    return false;
  }
}

bool raw_ws::send(const std::string& bytes, bool read_meanwhile) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd_, static_cast<short>(POLLOUT | (read_meanwhile ? POLLIN : 0)), 0};
    if (::poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if ((p.revents & POLLIN) && !eof_) read_available();
    if (!(p.revents & POLLOUT)) {
      if (p.revents & (POLLERR | POLLHUP)) return false;
      continue;
    }
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::pair<server_frame, size_t>> read_server_frame(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  server_frame f;
  f.opcode = static_cast<uint8_t>(in[0]) & 0x0F;
  uint64_t len = static_cast<uint8_t>(in[1]) & 0x7F;
  size_t header = 2;
  if (len == 126 || len == 127) {
    size_t bytes = len == 126 ? 2 : 8;
    if (in.size() < 2 + bytes) return std::nullopt;
    len = 0;
    for (size_t i = 0; i < bytes; ++i) len = (len << 8) | static_cast<uint8_t>(in[2 + i]);
    header += bytes;
  }
  if (in.size() - header < len) return std::nullopt;
  f.payload = std::string(in.substr(header, len));
  return std::pair{std::move(f), header + len};
}

std::vector<raw_ws::frame> raw_ws::read_all(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    read_available();
  }
  const std::string& in = in_;
  std::vector<frame> out;
  auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return out;
  status_ = in.substr(0, in.find("\r\n"));
  size_t pos = head_end + 4;
  while (auto next = read_server_frame(std::string_view(in).substr(pos))) {
    pos += next->second;
    out.push_back(std::move(next->first));
  }
  return out;
}

std::optional<uint16_t> raw_ws::close_code(const std::vector<frame>& frames) {
  for (const auto& f : frames) {
    if (f.opcode == 0x8 && f.payload.size() >= 2) {
      return static_cast<uint16_t>((static_cast<uint8_t>(f.payload[0]) << 8) |
                                   static_cast<uint8_t>(f.payload[1]));
    }
  }
  return std::nullopt;
}

}  // namespace sb::test
