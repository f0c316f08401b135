#include "tests/support/smtp_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <stdexcept>
#include <thread>

namespace sb::test {

namespace net = boost::asio;

uint16_t free_port() {
  net::io_context ioc;
  net::ip::tcp::acceptor a(ioc, {net::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool accepts(uint16_t port) {
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

smtp_sink::smtp_sink() : port_(free_port()) {
  auto maildir = dir_.file("mail");
  child_ = std::make_unique<child_process>(
      "/usr/bin/python3",
      std::vector<std::string>{"-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_),
                               "-c", "aiosmtpd.handlers.Mailbox", maildir},
      env_map{}, dir_.file("log"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!accepts(port_)) {
    if (!child_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("aiosmtpd did not start: " + read_file(dir_.file("log")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<std::string> smtp_sink::messages() const {
  std::vector<std::string> out;
  for (const char* sub : {"new", "cur"}) {
    auto dir = dir_.path() / "mail" / sub;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      out.push_back(read_file(entry.path().string()));
    }
  }
  return out;
}

std::optional<std::string> smtp_sink::wait_for(const std::string& needle,
                                               std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    for (auto& m : messages()) {
      if (m.find(needle) != std::string::npos) return m;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

}  // namespace sb::test
