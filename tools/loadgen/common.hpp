#pragma once

// Pieces the load shapes share: the outgoing side of one WebSocket, percentiles, and the
// CPU time of the node under test.

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace loadgen {

/// Messages for one WebSocket, written one at a time in order (Beast allows one write in
/// flight). `keep` is the owner, kept alive until the write completes.
class write_queue {
 public:
  template <class Stream>
  void push(Stream& ws, std::string data, bool binary, std::shared_ptr<void> keep) {
    queue_.emplace_back(std::move(data), binary);
    if (!writing_) next(ws, std::move(keep));
  }

 private:
  template <class Stream>
  void next(Stream& ws, std::shared_ptr<void> keep) {
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws.binary(queue_.front().second);
    ws.async_write(boost::asio::buffer(queue_.front().first),
                   [this, &ws, keep](boost::beast::error_code ec, size_t) {
                     queue_.pop_front();
                     if (ec) {
                       writing_ = false;
                       return;
                     }
                     next(ws, keep);
                   });
  }

  std::deque<std::pair<std::string, bool>> queue_;
  bool writing_ = false;
};

/// Option setters by name ("--port"), each given the option's value.
using option_setters = std::map<std::string, std::function<void(const std::string&)>>;

/// Reads `--name value` pairs from argv[first…]; throws std::invalid_argument for an unknown
/// option or a missing value.
inline void parse_options(int argc, char** argv, int first, const option_setters& setters) {
  for (int i = first; i < argc; ++i) {
    std::string name = argv[i];
    auto it = setters.find(name);
    if (it == setters.end()) throw std::invalid_argument("unknown option " + name);
    if (i + 1 >= argc) throw std::invalid_argument(name + " needs a value");
    it->second(argv[++i]);
  }
}

/// Monotonic nanoseconds: send times written into frames and read back in the same process.
inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The p-quantile (0 ≤ p ≤ 1) of `v`, reordering it; 0 when empty.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

/// utime + stime of a process, in seconds; 0 when unknown.
inline double cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Resident set size of a process in bytes; 0 when unknown.
inline double rss_bytes(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      double kb;
      in >> kb;
      return kb * 1024;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

/// The /api/v1 envelope {"success":true,"data":…} unwrapped; other bodies as they are.
inline const boost::json::value& data_of(const boost::json::value& v) {
  const auto* d = v.is_object() ? v.as_object().if_contains("data") : nullptr;
  return d ? *d : v;
}

/// Runs the io_context until `done()` or the deadline; false on timeout.
template <class Pred>
bool run_until(boost::asio::io_context& ioc, Pred done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    ioc.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// Polls `done()` every 10 ms until it holds or `limit` passes; false on timeout.
template <class Pred>
bool wait_for(Pred done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace loadgen
