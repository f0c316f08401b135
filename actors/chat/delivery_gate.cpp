#include "actors/chat/delivery_gate.hpp"

#include <algorithm>

namespace sb {

bool delivery_gate::hold(const chat_delivery& d) {
  if (closed_ == 0) return false;
  if (held_.size() >= max_held_) {
    held_.erase(held_.begin());
    overflowed_ = true;
  }
  held_.push_back(d);
  return true;
}

std::vector<chat_delivery> delivery_gate::open(const std::map<std::string, int64_t>& marks) {
  for (const auto& [id, version] : marks) marks_[id] = std::max(marks_[id], version);
  if (closed_ > 0) --closed_;
  if (closed_ > 0) return {};
  std::vector<chat_delivery> out;
  for (auto& d : held_) {
    auto mark = marks_.find(d.conversation_id);
    bool replayed = d.version > 0 && mark != marks_.end() && d.version <= mark->second;
    if (!replayed) out.push_back(std::move(d));
  }
  held_.clear();
  marks_.clear();
  return out;
}

}  // namespace sb
