#include "protocols/ws/outbound_queue.hpp"

namespace sb::ws {

outbound_queue::push_result outbound_queue::push(frame_ptr frame, delivery d) {
  uint64_t after = bytes_ + frame->size();
  if (d == delivery::droppable && after > droppable_limit_) return push_result::dropped;
  if (after > hard_limit_) return push_result::overflow;
  bytes_ = after;
  frames_.push_back(std::move(frame));
  return push_result::queued;
}

void outbound_queue::push_control(frame_ptr frame, bool pinned) {
  if (pinned && pinned_ == frames_.size()) ++pinned_;
  bytes_ += frame->size();
  frames_.push_back(std::move(frame));
}

void outbound_queue::push_pong(frame_ptr frame) {
  if (!pending_pong_) {
    pending_pong_ = frames_.size();
    return push_control(std::move(frame));
  }
  auto& waiting = frames_[*pending_pong_];
  bytes_ = bytes_ - waiting->size() + frame->size();
  waiting = std::move(frame);
}

void outbound_queue::take_all(std::vector<frame_ptr>& out) {
  for (auto& f : frames_) out.push_back(std::move(f));
  frames_.clear();
  pending_pong_.reset();
  pinned_ = 0;
}

void outbound_queue::clear() {
  while (frames_.size() > pinned_) {
    bytes_ -= frames_.back()->size();
    frames_.pop_back();
  }
  pending_pong_.reset();
}

}  // namespace sb::ws
