#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <map>
#include <string>
#include <thread>

#include "tests/support/ws_client.hpp"

namespace sb::test {

/// A per-connection message limit no pump reaches: pumps run at full speed on purpose.
inline constexpr const char* kUnlimited = "10000000";

/// Drives one WebSocket session with a window of `echo` requests until stopped or the server
/// closes it, recording every acknowledged note (id → text) and every error code seen.
class echo_pump {
 public:
  echo_pump(uint16_t port, ws_client::options opts, std::string tag, int window = 8)
      : client_(port, std::move(opts)), tag_(std::move(tag)), window_(window) {
    thread_ = std::thread([this] { run(); });
  }
  ~echo_pump() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

  /// note id → text, for every echo.ok received.
  const std::map<int64_t, std::string>& acked() const { return acked_; }
  /// error code → how many times it was received.
  const std::map<std::string, int>& errors() const { return errors_; }
  int closed_with() const { return close_code_; }
  int sent() const { return sent_; }

 private:
  void send_one() {
    auto text = tag_ + "-" + std::to_string(sent_);
    client_.send_text(R"({"type":"echo","id":)" + std::to_string(sent_) + R"(,"text":")" + text +
                      "\"}");
    ++sent_;
  }

  void run() {
    try {
      int outstanding = 0;
      while (!stopping_) {
        while (outstanding < window_ && !stopping_) {
          send_one();
          ++outstanding;
        }
        auto msg = client_.read(std::chrono::milliseconds(200));
        if (!msg) {
          if (auto code = client_.wait_closed(std::chrono::milliseconds(0))) {
            close_code_ = *code;
            return;
          }
          continue;
        }
        --outstanding;
        auto doc = boost::json::parse(*msg).as_object();
        if (doc.at("type") == "echo.ok") {
          acked_[doc.at("note_id").as_int64()] = std::string(doc.at("text").as_string());
        } else if (doc.at("type") == "error") {
          ++errors_[std::string(doc.at("code").as_string())];
        }
      }
    } catch (const std::exception&) {
      // The server went away mid-write: what was acknowledged so far is what counts.
      if (auto code = client_.wait_closed(std::chrono::milliseconds(0))) close_code_ = *code;
    }
  }

  ws_client client_;
  std::string tag_;
  int window_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::map<int64_t, std::string> acked_;
  std::map<std::string, int> errors_;
  int close_code_ = 0;
  int sent_ = 0;
};

}  // namespace sb::test
