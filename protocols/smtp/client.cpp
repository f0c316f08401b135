#include "protocols/smtp/client.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>

namespace sb::smtp {

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

/// A TCP connection that may be upgraded to TLS; every read and write has a deadline.
class channel {
 public:
  channel(const settings& s) : s_(s) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    auto port = std::to_string(s.port);
    if (int rc = getaddrinfo(s.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
      throw error(fmt::format("cannot resolve {}: {}", s.host, gai_strerror(rc)), false);
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
    std::string last = "no address";
    for (auto* ai = res; ai; ai = ai->ai_next) {
      int fd =
          socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
        if (wait(fd, POLLOUT)) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
          if (err == 0) {
            fd_ = fd;
            return;
          }
          last = std::strerror(err);
        } else {
          last = "connect timed out";
        }
      } else {
        last = std::strerror(errno);
      }
      close(fd);
    }
    throw error(fmt::format("cannot connect to {}:{}: {}", s.host, s.port, last), false);
  }

  ~channel() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  void start_tls() {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) throw error("TLS unavailable", true);
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_default_verify_paths(ctx_);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, s_.host.c_str());
    SSL_set1_host(ssl_, s_.host.c_str());
    for (;;) {
      int rc = SSL_connect(ssl_);
      if (rc == 1) return;
      int e = SSL_get_error(ssl_, rc);
      if ((e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN)) ||
          (e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT))) {
        continue;
      }
      const char* reason = ERR_reason_error_string(ERR_get_error());
      throw error(fmt::format("TLS handshake with {} failed: {}", s_.host,
                              reason ? reason : "unknown error"),
                  false);
    }
  }

  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = 0;
      if (ssl_) {
        int rc = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
        if (rc <= 0) {
          int e = SSL_get_error(ssl_, rc);
          if ((e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT)) ||
              (e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN))) {
            continue;
          }
          throw error("TLS write failed", false);
        }
        n = rc;
      } else {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(fd_, POLLOUT)) continue;
        if (n < 0) throw error(fmt::format("write failed: {}", std::strerror(errno)), false);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// One reply, possibly multi-line; returns (code, text of all lines).
  std::pair<int, std::string> reply() {
    std::string text;
    for (;;) {
      auto line = read_line();
      if (line.size() < 3) throw error("malformed SMTP reply: " + line, false);
      text += line.substr(std::min<size_t>(4, line.size())) + "\n";
      if (line.size() == 3 || line[3] == ' ') return {std::stoi(line.substr(0, 3)), text};
    }
  }

 private:
  bool wait(int fd, short events) {
    pollfd p{fd, events, 0};
    return poll(&p, 1, static_cast<int>(s_.timeout.count())) > 0;
  }

  std::string read_line() {
    for (;;) {
      if (auto eol = buffer_.find("\r\n"); eol != std::string::npos) {
        auto line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return line;
      }
      if (buffer_.size() > 64 * 1024) throw error("SMTP reply line too long", false);
      char chunk[4096];
      ssize_t n = 0;
      if (ssl_) {
        int rc = SSL_read(ssl_, chunk, sizeof chunk);
        if (rc <= 0) {
          int e = SSL_get_error(ssl_, rc);
          if ((e == SSL_ERROR_WANT_READ && wait(fd_, POLLIN)) ||
              (e == SSL_ERROR_WANT_WRITE && wait(fd_, POLLOUT))) {
            continue;
          }
          throw error("TLS read failed or connection closed", false);
        }
        n = rc;
      } else {
        n = recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          if (!wait(fd_, POLLIN)) throw error("SMTP server did not answer in time", false);
          continue;
        }
        if (n <= 0) throw error("SMTP server closed the connection", false);
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  const settings& s_;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

// Sends a command and checks that the reply code is one of `ok`; 5xx is permanent.
std::string expect(channel& c, const std::string& command, std::initializer_list<int> ok,
                   std::string_view what) {
  if (!command.empty()) c.write(command + "\r\n");
  auto [code, text] = c.reply();
  if (std::find(ok.begin(), ok.end(), code) != ok.end()) return text;
  throw error(fmt::format("{}: server answered {} {}", what, code, text), code >= 500);
}

std::string rfc5322_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

std::string render(const settings& s, const message& m, const std::string& message_id,
                   const std::string& date) {
  if (has_line_break(m.to) || has_line_break(s.from) || has_line_break(m.subject)) {
    throw error("line break in an address or the subject", true);
  }
  auto subject = is_ascii(m.subject) ? m.subject : "=?UTF-8?B?" + base64(m.subject) + "?=";
  std::string out = fmt::format(
      "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
      s.from, m.to, subject, date, message_id);
  // Normalise line endings to CRLF and dot-stuff lines that start with '.' (RFC 5321 §4.5.2).
  std::string line;
  auto flush = [&] {
    if (!line.empty() && line[0] == '.') out += '.';
    out += line;
    out += "\r\n";
    line.clear();
  };
  for (size_t i = 0; i < m.body.size(); ++i) {
    char ch = m.body[i];
    if (ch == '\r') {
      if (i + 1 < m.body.size() && m.body[i + 1] == '\n') ++i;
      flush();
    } else if (ch == '\n') {
      flush();
    } else {
      line += ch;
    }
  }
  if (!line.empty()) flush();
  out += ".\r\n";
  return out;
}

void send(const settings& s, const message& m) {
  std::random_device rd;
  auto id = fmt::format("{:016x}{:08x}@switchboard", (uint64_t{rd()} << 32) | rd(), rd());
  auto data = render(s, m, id, rfc5322_date());  // validates before connecting
  channel c(s);
  if (s.tls == "implicit") c.start_tls();
  expect(c, "", {220}, "greeting");
  auto features = expect(c, "EHLO switchboard", {250}, "EHLO");
  bool tls = s.tls == "implicit";
  if (!tls && s.tls != "none" && features.find("STARTTLS") != std::string::npos) {
    expect(c, "STARTTLS", {220}, "STARTTLS");
    c.start_tls();
    tls = true;
    features = expect(c, "EHLO switchboard", {250}, "EHLO after STARTTLS");
  }
  if (!tls && s.tls == "required") throw error("the server does not offer STARTTLS", true);
  if (!s.user.empty()) {
    if (!tls && s.tls != "none") {
      throw error("refusing to send SMTP credentials without TLS (set SMTP_TLS=none to allow)",
                  true);
    }
    std::string plain = std::string("\0", 1) + s.user + std::string("\0", 1) + s.password;
    expect(c, "AUTH PLAIN " + base64(plain), {235}, "AUTH");
  }
  expect(c, "MAIL FROM:<" + s.from + ">", {250}, "MAIL FROM");
  expect(c, "RCPT TO:<" + m.to + ">", {250, 251}, "RCPT TO");
  expect(c, "DATA", {354}, "DATA");
  c.write(data);
  expect(c, "", {250}, "message");
  try {
    expect(c, "QUIT", {221}, "QUIT");
  } catch (const error&) {
    // The message is accepted; a lost QUIT changes nothing.
  }
}

}  // namespace sb::smtp
