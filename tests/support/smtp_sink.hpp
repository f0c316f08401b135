#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

/// A loopback TCP port that was free a moment ago.
uint16_t free_port();

/// True when something accepts TCP connections on the loopback port.
bool accepts(uint16_t port);

/// A real SMTP server on loopback (Debian's python3-aiosmtpd) that stores every message it
/// accepts in a maildir, so tests read what actually arrived over SMTP.
class smtp_sink {
 public:
  smtp_sink();
  uint16_t port() const { return port_; }

  /// Raw text of every message received so far.
  std::vector<std::string> messages() const;

  /// The first message containing `needle`, waiting up to `timeout`.
  std::optional<std::string> wait_for(const std::string& needle,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  temp_dir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<child_process> child_;
};

}  // namespace sb::test
