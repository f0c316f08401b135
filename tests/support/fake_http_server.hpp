#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::test {

/// A small HTTP/1.1 server on loopback for services the node calls (Dialpad's OAuth token
/// endpoint, a Matrix homeserver): every request is recorded, and `handler` makes the answer.
class fake_http_server {
 public:
  struct request {
    std::string method;
    std::string target;
    std::string body;
    std::string authorization;
  };
  struct reply {
    unsigned status = 200;
    std::string body;
  };
  using handler = std::function<reply(const request&)>;

  explicit fake_http_server(handler h);
  ~fake_http_server();

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Every request received so far.
  std::vector<request> requests() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace sb::test
