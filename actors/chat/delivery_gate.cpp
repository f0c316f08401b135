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

std::vector<chat_delivery> delivery_gate::open(
    const std::map<std::string, int64_t>& marks,
    const std::map<std::string, std::set<int64_t>>& listed) {
  for (const auto& [id, version] : marks) marks_[id] = std::max(marks_[id], version);
  for (const auto& [id, versions] : listed) listed_[id].insert(versions.begin(), versions.end());
  if (closed_ > 0) --closed_;
  if (closed_ > 0) return {};
  std::vector<chat_delivery> out;
  for (auto& d : held_) {
    if (!stale(d)) out.push_back(std::move(d));
  }
  held_.clear();
  return out;  // the marks stay: a replayed change may still come live later
}

bool delivery_gate::stale(const chat_delivery& d) const {
  if (d.version <= 0) return false;
  auto mark = marks_.find(d.conversation_id);
  if (mark != marks_.end() && d.version <= mark->second) return true;
  auto given = listed_.find(d.conversation_id);
  return given != listed_.end() && given->second.count(d.version) > 0;
}

void delivery_gate::written(const chat_delivery& d) {
  if (d.version <= 0) return;
  auto& ranges = written_[d.conversation_id];
  if (!ranges.empty()) {
    auto& last = ranges.back();
    if (d.version >= last.first && d.version <= last.second) return;
    if (d.version == last.second + 1) {
      last.second = d.version;
      return;
    }
  }
  if (written_count_ >= max_held_) return;
  ranges.emplace_back(d.version, d.version);
  ++written_count_;
}

void delivery_gate::drop_written(std::vector<chat::resume_entry>& entries) const {
  for (auto& e : entries) {
    auto told = written_.find(e.conv.id);
    if (told == written_.end()) continue;
    auto seen = [&](int64_t version) {
      return std::any_of(told->second.begin(), told->second.end(), [version](const auto& r) {
        return version >= r.first && version <= r.second;
      });
    };
    std::erase_if(e.messages, [&](const chat::message& m) { return seen(m.version); });
    std::erase_if(e.receipts, [&](const chat::member& m) { return seen(m.version); });
  }
}

}  // namespace sb
