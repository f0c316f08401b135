#pragma once

// Pieces both load shapes share: the outgoing side of one WebSocket, and percentiles.

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
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

/// The p-quantile (0 ≤ p ≤ 1) of `v`, reordering it; 0 when empty.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace loadgen
