#include "actors/chat/chat_fanout.hpp"

#include <caf/all.hpp>

namespace sb {

void deliver(const std::vector<chat_sink_ptr>& roster, const chat_delivery& d) {
  for (const auto& sink : roster) sink->deliver(d);
}

namespace {

void write_batch(std::vector<std::pair<chat_delivery, sink_roster>>& pending) {
  // Events in a row with the same roster (it seldom changes within a batch) go to each of its
  // connections in one write.
  std::vector<const chat_delivery*> batch;
  for (size_t i = 0; i < pending.size();) {
    const auto& roster = pending[i].second;
    batch.clear();
    for (; i < pending.size() && pending[i].second == roster; ++i) {
      batch.push_back(&pending[i].first);
    }
    for (const auto& sink : *roster) sink->deliver(batch);
  }
}

}  // namespace

caf::behavior chat_lane(caf::stateful_actor<chat_lane_state>* self) {
  return fanout_lane<chat_delivery, sink_roster, write_batch>(self);
}

}  // namespace sb
