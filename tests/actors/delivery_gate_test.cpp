// The gate between a resume and live chat events (actors/chat/delivery_gate): held while a
// resume is read, then released in order without what the resume already gave.

#include <catch2/catch.hpp>

#include "actors/chat/delivery_gate.hpp"

using namespace sb;

namespace {

chat_delivery change(const std::string& conversation, int64_t version) {
  return chat_delivery{{}, {}, {}, conversation, version};
}

std::vector<int64_t> versions(const std::vector<chat_delivery>& ds) {
  std::vector<int64_t> out;
  for (const auto& d : ds) out.push_back(d.version);
  return out;
}

}  // namespace

TEST_CASE("an open gate holds nothing", "[chat]") {
  delivery_gate gate;
  CHECK_FALSE(gate.hold(change("a", 1)));
}

TEST_CASE("a resume's changes are not told twice; later ones and others go out in order",
          "[chat]") {
  delivery_gate gate;
  gate.close();
  CHECK(gate.hold(change("a", 4)));  // committed before the resume read: it holds it
  CHECK(gate.hold(change("b", 2)));  // a conversation the resume did not name
  CHECK(gate.hold(change("a", 7)));  // committed after
  CHECK(gate.hold(change("", 0)));   // presence, typing: not in a log
  auto out = gate.open({{"a", 5}});
  CHECK(versions(out) == std::vector<int64_t>{2, 7, 0});
  CHECK_FALSE(gate.overflowed());
  CHECK_FALSE(gate.hold(change("a", 8)));
  // A replayed change that comes live only after the answer is not told again.
  CHECK(gate.stale(change("a", 5)));
  CHECK_FALSE(gate.stale(change("a", 6)));
  CHECK_FALSE(gate.stale(change("b", 1)));
}

TEST_CASE("a change a resume listed above its mark is not told again", "[chat]") {
  delivery_gate gate;
  gate.close();
  CHECK(gate.hold(change("a", 7)));
  CHECK(gate.hold(change("a", 8)));
  CHECK(versions(gate.open({{"a", 5}}, {{"a", {7}}})) == std::vector<int64_t>{8});
  CHECK(gate.stale(change("a", 7)));
  CHECK_FALSE(gate.stale(change("a", 6)));  // not listed: a change the resume did not give
}

TEST_CASE("overlapping resumes release once both are done", "[chat]") {
  delivery_gate gate;
  gate.close();
  gate.close();
  CHECK(gate.hold(change("a", 3)));
  CHECK(gate.hold(change("b", 3)));
  CHECK(gate.open({{"a", 3}}).empty());  // the other resume still reads
  CHECK(gate.hold(change("b", 4)));
  CHECK(versions(gate.open({{"b", 3}})) == std::vector<int64_t>{4});
}

TEST_CASE("a gate that holds too much says so", "[chat]") {
  delivery_gate gate(2);
  gate.close();
  gate.hold(change("a", 1));
  gate.hold(change("a", 2));
  gate.hold(change("a", 3));
  CHECK(versions(gate.open({})) == std::vector<int64_t>{2, 3});
  CHECK(gate.overflowed());
}

TEST_CASE("a resume leaves out what the connection already told live", "[chat]") {
  delivery_gate gate;
  gate.written(change("a", 5));
  gate.written(change("", 0));  // not in a log: nothing to remember
  chat::resume_entry e;
  e.conv.id = "a";
  for (int64_t v : {4, 5, 6}) {
    chat::message m;
    m.version = v;
    e.messages.push_back(m);
  }
  e.receipts.push_back(chat::member{"u", 1, 1, 5});
  std::vector<chat::resume_entry> entries{e};
  gate.drop_written(entries);
  REQUIRE(entries[0].messages.size() == 2);
  CHECK(entries[0].messages[0].version == 4);
  CHECK(entries[0].messages[1].version == 6);
  CHECK(entries[0].receipts.empty());
}

TEST_CASE("what a connection told live is kept as runs, however long it stays open", "[chat]") {
  delivery_gate gate(2);  // at most two runs
  for (int64_t v = 1; v <= 1000; ++v) {
    if (v != 500) gate.written(change("a", v));  // 500 was this connection's own: answered
  }
  gate.written(change("a", 7));  // told again: still one run
  chat::resume_entry e;
  e.conv.id = "a";
  for (int64_t v : {1, 499, 500, 501, 1000, 1001}) {
    chat::message m;
    m.version = v;
    e.messages.push_back(m);
  }
  std::vector<chat::resume_entry> entries{e};
  gate.drop_written(entries);
  std::vector<int64_t> left;
  for (const auto& m : entries[0].messages) left.push_back(m.version);
  CHECK(left == std::vector<int64_t>{500, 1001});
}
