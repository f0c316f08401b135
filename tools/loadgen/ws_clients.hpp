#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace loadgen {

/// Many benchmark WebSocket clients (raw_ws.hpp), read by a few threads with epoll. What a
/// client does with a frame is the subclass's (ptt_clients, sio_clients); this class connects,
/// sends, reads, answers pings, and gathers each reader's deliveries and their latencies.
class ws_clients {
 public:
  /// `reader_threads` poll their sockets every `poll_interval` (which bounds the error of the
  /// latencies measured).
  ws_clients(int reader_threads, std::chrono::microseconds poll_interval);
  virtual ~ws_clients();
  ws_clients(const ws_clients&) = delete;
  ws_clients& operator=(const ws_clients&) = delete;

  /// Connects and upgrades one more client at `target` (throws on failure); returns its index.
  size_t add(const std::string& host, uint16_t port, const std::string& token,
             const std::string& target = "/ws");

  /// Sends a ready client frame (client_frame) on client `i`; false when its connection failed.
  bool send(size_t i, std::string_view frame);

  size_t closed() const { return closed_.load(); }  ///< connections the server ended

  /// Deliveries are counted and timed only while measuring.
  void measure(bool on) { measuring_.store(on); }

  /// Stops the readers; the figures below are read after it.
  void stop();
  uint64_t received() const;
  std::vector<double> latencies_ms() const;

 protected:
  struct client {
    size_t index = 0;
    int fd = -1;
    std::string pending;  ///< the start of a frame whose rest has not arrived
    std::mutex send_mutex;
  };
  struct reader {
    int epoll_fd = -1;
    std::thread thread;
    std::atomic<uint64_t> received{0};  ///< read while running by `loadgen failover`
    std::vector<double> latencies_ms;
  };

  /// A text or binary frame for client `c`. `r` is null for bytes that came with the upgrade
  /// response (nothing is measured then).
  virtual void on_frame(client& c, uint8_t opcode, std::string_view payload, reader* r) = 0;

  /// Counts one delivery sent at `sent_ns` (now_ns's clock) if measuring.
  void delivered(reader* r, int64_t sent_ns);
  /// Sends on a client from a reader thread; false when its connection failed.
  bool reply(client& c, std::string_view frame);

 private:
  void read_loop(reader& r);
  void feed(client& c, std::string_view bytes, reader* r);

  std::deque<client> clients_;  ///< stable addresses: the epoll entries point at them
  std::chrono::microseconds poll_interval_;
  std::vector<std::unique_ptr<reader>> readers_;
  std::atomic<bool> running_{true};
  std::atomic<bool> measuring_{false};
  std::atomic<size_t> closed_{0};
};

/// The push-to-talk benchmark's clients: they count the control messages the benchmark waits
/// for and time every audio frame by the send time its talker wrote into the first 8 bytes of
/// the payload.
class ptt_clients final : public ws_clients {
 public:
  using ws_clients::ws_clients;
  ~ptt_clients() override { stop(); }

  size_t joined() const { return joined_.load(); }    ///< channel.joined messages received
  size_t granted() const { return granted_.load(); }  ///< ptt.granted messages received

 private:
  void on_frame(client& c, uint8_t opcode, std::string_view payload, reader* r) override;

  std::atomic<size_t> joined_{0};
  std::atomic<size_t> granted_{0};
};

}  // namespace loadgen
