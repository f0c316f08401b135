#include "tools/loadgen/raw_ws.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace loadgen {

namespace {

/// Closes the socket unless released: connect and upgrade throw halfway.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

int open_raw_ws(const std::string& host, uint16_t port, const std::string& token,
                std::string& leftover, const std::string& target) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("--host must be an IPv4 address, got " + host);
  fd_guard sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) fail("socket");
  int one = 1;
  ::setsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval timeout{10, 0};
  ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("connect");
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host + ":" +
                        std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n" +
                        (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
  if (::send(sock.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    fail("send upgrade");
  std::string response;
  size_t end;
  while ((end = response.find("\r\n\r\n")) == std::string::npos) {
    char buf[4096];
    ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n <= 0) fail("read upgrade response");
    response.append(buf, static_cast<size_t>(n));
  }
  if (response.compare(0, 12, "HTTP/1.1 101") != 0)
    throw std::runtime_error("upgrade refused: " + response.substr(0, response.find("\r\n")));
  leftover = response.substr(end + 4);
  ::fcntl(sock.fd, F_SETFL, ::fcntl(sock.fd, F_GETFL) | O_NONBLOCK);
  return sock.release();
}

std::string client_frame(uint8_t opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  auto n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<char>(n >> shift));
  }
  // The mask must be present but need not be secret for a benchmark: the zero mask leaves the
  // payload as it is.
  f.append(4, '\0');
  f.append(payload);
  return f;
}

size_t next_frame(std::string_view bytes, frame_view& out) {
  if (bytes.size() < 2) return 0;
  auto b = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  uint64_t length = b(1) & 0x7f;
  size_t header = 2;
  if (length == 126) {
    if (bytes.size() < 4) return 0;
    length = (uint64_t{b(2)} << 8) | b(3);
    header = 4;
  } else if (length == 127) {
    if (bytes.size() < 10) return 0;
    length = 0;
    for (size_t i = 2; i < 10; ++i) length = (length << 8) | b(i);
    header = 10;
  }
  if (bytes.size() - header < length) return 0;
  out.opcode = b(0) & 0x0f;
  out.payload = bytes.substr(header, length);
  return header + length;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
    } else if (n < 0 && errno != EINTR) {
      return false;
    }
  }
  return true;
}

}  // namespace loadgen
