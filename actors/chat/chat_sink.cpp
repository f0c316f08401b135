#include "actors/chat/chat_sink.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace sb {

void chat_sink::select_writable(std::span<const chat_delivery* const> batch) {
  writing_.clear();
  for (const auto* d : batch) {
    if (d->origin && d->origin.address() == session_) continue;
    if (gate_.hold(*d) || gate_.stale(*d)) continue;
    gate_.written(*d);
    writing_.push_back(d);
  }
}

void chat_sink::deliver(std::span<const chat_delivery* const> batch) {
  std::lock_guard lock(mutex_);
  select_writable(batch);
  if (!writing_.empty()) write(writing_);
}

void chat_sink::deliver(const chat_delivery& d) {
  const chat_delivery* one = &d;
  deliver(std::span<const chat_delivery* const>(&one, 1));
}

void chat_sink::hold() {
  std::lock_guard lock(mutex_);
  gate_.close();
}

void chat_sink::drop_written(std::vector<chat::resume_entry>& entries) {
  std::lock_guard lock(mutex_);
  gate_.drop_written(entries);
}

void chat_sink::release(const std::vector<chat::resume_entry>& resumed) {
  std::map<std::string, int64_t> marks;
  std::map<std::string, std::set<int64_t>> listed;
  for (const auto& e : resumed) {
    marks[e.conv.id] = e.conv.version;
    auto above = [&](int64_t version) {
      if (version > e.conv.version) listed[e.conv.id].insert(version);
    };
    for (const auto& m : e.messages) above(m.version);
    for (const auto& r : e.receipts) above(r.version);
  }
  std::lock_guard lock(mutex_);
  auto held = gate_.open(marks, listed);
  std::vector<const chat_delivery*> out;
  for (const auto& d : held) {
    gate_.written(d);
    out.push_back(&d);
  }
  if (!out.empty()) write(out);
  if (gate_.overflowed()) close_overflowed();
}

void chat_sink_registry::add(const std::string& user_id, chat_sink_ptr sink) {
  std::unique_lock lock(mutex_);
  by_user_[user_id].push_back(std::move(sink));
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void chat_sink_registry::remove(const std::string& user_id, const chat_sink* sink) {
  std::unique_lock lock(mutex_);
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return;
  std::erase_if(it->second, [sink](const chat_sink_ptr& s) { return s.get() == sink; });
  if (it->second.empty()) by_user_.erase(it);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void chat_sink_registry::collect(const std::vector<std::string>& user_ids,
                                 std::vector<chat_sink_ptr>& out) const {
  std::shared_lock lock(mutex_);
  for (const auto& id : user_ids) {
    auto it = by_user_.find(id);
    if (it != by_user_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
}

void register_chat_sink(caf::local_actor* self, const std::shared_ptr<chat_sink_registry>& registry,
                        const std::string& user_id, const chat_sink_ptr& sink) {
  registry->add(user_id, sink);
  self->attach_functor(
      [registry, user_id, raw = sink.get()](const caf::error&) { registry->remove(user_id, raw); });
}

}  // namespace sb
