#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace sb::smtp {

/// Where and how to send.
struct settings {
  std::string host;
  uint16_t port = 587;
  std::string user;  ///< empty = no AUTH
  std::string password;
  std::string from;
  std::string tls = "auto";  ///< auto, required, implicit, none
  std::chrono::milliseconds timeout{10'000};
};

struct message {
  std::string to;
  std::string subject;
  std::string body;  ///< plain text, UTF-8; any line ending
};

/// A failed delivery. `permanent` for a 5xx answer or an unusable configuration (retrying will
/// not help); otherwise the attempt may be retried later.
class error : public std::runtime_error {
 public:
  error(const std::string& what, bool permanent)
      : std::runtime_error(what), permanent_(permanent) {}
  bool permanent() const noexcept { return permanent_; }

 private:
  bool permanent_;
};

/// Delivers one message over SMTP (RFC 5321): EHLO, STARTTLS when offered (or TLS from the
/// first byte for "implicit"), AUTH PLAIN only over TLS unless tls is "none", then MAIL, RCPT,
/// DATA. Blocking, with `timeout` on every exchange: call it from a detached actor only.
/// Throws smtp::error.
void send(const settings& s, const message& m);

/// The message as it goes after DATA: headers, a blank line, the dot-stuffed CRLF body, and
/// the terminating ".". Exposed for tests. Throws smtp::error (permanent) on header injection.
std::string render(const settings& s, const message& m, const std::string& message_id,
                   const std::string& date);

}  // namespace sb::smtp
