// The chat fan-out's write path (actors/chat/chat_sink, chat_fanout): what a connection's sink
// writes and holds back, the registry conversations find their members' connections in, and a
// lane that catches up in batches. Deterministic: nothing sleeps.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/chat/chat_fanout.hpp"
#include "tests/actors/deterministic.hpp"

using namespace sb;

namespace {

chat_delivery change(const std::string& conversation, int64_t version, caf::actor origin = {}) {
  return chat_delivery{{}, {}, std::move(origin), conversation, version};
}

/// A sink that keeps the versions written, one vector per write.
class recording_sink final : public chat_sink {
 public:
  explicit recording_sink(caf::actor_addr session = {}, size_t max_held = 10'000)
      : chat_sink(std::move(session), max_held) {}

  std::vector<std::vector<int64_t>> writes;
  bool closed = false;

 protected:
  void write(const std::vector<const chat_delivery*>& batch) override {
    std::vector<int64_t> versions;
    for (const auto* d : batch) versions.push_back(d->version);
    writes.push_back(std::move(versions));
  }
  void close_overflowed() override { closed = true; }
};

std::vector<int64_t> flat(const std::vector<std::vector<int64_t>>& writes) {
  std::vector<int64_t> out;
  for (const auto& w : writes) out.insert(out.end(), w.begin(), w.end());
  return out;
}

}  // namespace

TEST_CASE_METHOD(test::deterministic_system,
                 "a sink writes what comes, less its own connection's changes", "[chat]") {
  auto session = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {}; });
  recording_sink sink(session.address());
  sink.deliver(change("a", 1));
  sink.deliver(change("a", 2, session));  // this connection sent it: it has the answer
  auto other = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {}; });
  sink.deliver(change("a", 3, other));
  CHECK(sink.writes == std::vector<std::vector<int64_t>>{{1}, {3}});
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
}

TEST_CASE("a sink holds events while a resume is read, then writes the rest once", "[chat]") {
  recording_sink sink;
  sink.deliver(change("a", 1));  // told live before the resume
  sink.hold();
  sink.deliver(change("a", 2));  // the resume reads it too
  sink.deliver(change("a", 3));  // committed while the resume read, and listed by it
  sink.deliver(change("a", 4));  // committed after the resume's read
  CHECK(sink.writes.size() == 1);

  // The resume read the conversation at version 2, then its changes: 1 to 3 (on PostgreSQL
  // the second statement may see a change the first did not).
  std::vector<chat::resume_entry> resumed(1);
  resumed[0].conv.id = "a";
  resumed[0].conv.version = 2;
  resumed[0].messages.resize(3);
  for (int64_t v = 1; v <= 3; ++v) resumed[0].messages[v - 1].version = v;
  sink.drop_written(resumed);
  REQUIRE(resumed[0].messages.size() == 2);  // version 1 was told live already
  CHECK(resumed[0].messages[0].version == 2);

  sink.release(resumed);
  CHECK(sink.writes == std::vector<std::vector<int64_t>>{{1}, {4}});  // 2 and 3 came with it
  sink.deliver(change("a", 2));  // replayed changes arriving live late: not again
  sink.deliver(change("a", 3));
  sink.deliver(change("a", 5));
  CHECK(flat(sink.writes) == std::vector<int64_t>{1, 4, 5});
  CHECK_FALSE(sink.closed);
}

TEST_CASE("a sink that held more than it may closes its connection", "[chat]") {
  recording_sink sink({}, 2);
  sink.hold();
  for (int64_t v = 1; v <= 3; ++v) sink.deliver(change("a", v));
  sink.release({});
  CHECK(sink.closed);
}

TEST_CASE("the registry finds a user's connections and counts every change", "[chat]") {
  chat_sink_registry registry;
  auto a1 = std::make_shared<recording_sink>();
  auto a2 = std::make_shared<recording_sink>();
  auto b1 = std::make_shared<recording_sink>();
  auto g0 = registry.generation();
  registry.add("a", a1);
  registry.add("a", a2);
  registry.add("b", b1);
  CHECK(registry.generation() == g0 + 3);

  std::vector<chat_sink_ptr> found;
  registry.collect({"a", "nobody"}, found);
  CHECK(found == std::vector<chat_sink_ptr>{a1, a2});

  registry.remove("a", a1.get());
  registry.remove("a", a2.get());
  CHECK(registry.generation() == g0 + 5);
  found.clear();
  registry.collect({"a", "b"}, found);
  CHECK(found == std::vector<chat_sink_ptr>{b1});
}

TEST_CASE_METHOD(test::deterministic_system,
                 "a lane writes in order, and what queued meanwhile in one write per connection",
                 "[chat]") {
  auto s1 = std::make_shared<recording_sink>();
  auto s2 = std::make_shared<recording_sink>();
  auto roster =
      std::make_shared<const std::vector<chat_sink_ptr>>(std::vector<chat_sink_ptr>{s1, s2});
  auto lane = sys.spawn(chat_lane);
  caf::anon_send(lane, fanout_atom::value, change("a", 1), sink_roster(roster));
  run();
  for (int64_t v = 2; v <= 4; ++v) {
    caf::anon_send(lane, fanout_atom::value, change("a", v), sink_roster(roster));
  }
  run();
  CHECK(s1->writes == std::vector<std::vector<int64_t>>{{1}, {2, 3, 4}});
  CHECK(s2->writes == s1->writes);

  // A roster that changed within a batch: each event goes to the connections of its own.
  auto s3 = std::make_shared<recording_sink>();
  auto bigger =
      std::make_shared<const std::vector<chat_sink_ptr>>(std::vector<chat_sink_ptr>{s1, s3});
  caf::anon_send(lane, fanout_atom::value, change("a", 5), sink_roster(roster));
  caf::anon_send(lane, fanout_atom::value, change("a", 6), sink_roster(bigger));
  run();
  CHECK(flat(s1->writes) == std::vector<int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(flat(s2->writes) == std::vector<int64_t>{1, 2, 3, 4, 5});
  CHECK(flat(s3->writes) == std::vector<int64_t>{6});
  caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
}
