#include <soci/soci.h>
#include <catch2/catch.hpp>

#include "persistence/chat/append_job.hpp"
#include "persistence/chat/chat.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/migrations.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "tests/support/test_database.hpp"

using namespace sb;
using namespace sb::persistence;

namespace {

struct chat_db {
  test::test_database db;
  std::unique_ptr<soci::session> sql = db.connect();
  std::string tenant;
  std::string alice, bob, carol;
  std::string other_tenant, mallory;

  chat_db() {
    migrate(*sql, db.dialect());
    tenant = create_tenant(*sql, "Acme").id;
    alice = user(tenant, "alice");
    bob = user(tenant, "bob");
    carol = user(tenant, "carol");
    other_tenant = create_tenant(*sql, "Other").id;
    mallory = user(other_tenant, "mallory");
  }

  std::string user(const std::string& t, const std::string& name) {
    user_record u;
    u.email = name + "@example.test";
    u.first_name = name;
    u.last_name = "Test";
    u.display_name = name;
    u.role = "user";
    u.status = "active";
    return create_user(*sql, tenant_scope(t), u).id;
  }
  tenant_scope scope() const { return tenant_scope(tenant); }
};

}  // namespace

TEST_CASE("a direct conversation is one per pair, its log ordered by seq", "[chat]") {
  chat_db f;
  auto a = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1);
  auto b = direct_conversation(*f.sql, f.scope(), f.bob, f.alice, 2);
  CHECK(a.id == b.id);
  CHECK(a.kind == "direct");
  CHECK(a.members.size() == 2);
  CHECK(a.contact_of(f.alice) == f.bob);

  auto m1 =
      append_message(*f.sql, f.scope(), a.id, {"", f.alice, "one", std::string("c1"), {}}, 10);
  auto m2 = append_message(*f.sql, f.scope(), a.id, {"", f.bob, "two", std::nullopt, {}}, 11);
  CHECK(m1.message.seq == 1);
  CHECK(m2.message.seq == 2);
  CHECK(m2.message.version > m1.message.version);
  // The same client id from the same sender: the first message, nothing new.
  auto again = append_message(*f.sql, f.scope(), a.id,
                              {"", f.alice, "one, resent", std::string("c1"), {}}, 12);
  CHECK(again.duplicate);
  CHECK(again.message.id == m1.message.id);
  CHECK(again.message.content == "one");
  // ... while another sender may use the same client id.
  CHECK_FALSE(append_message(*f.sql, f.scope(), a.id, {"", f.bob, "x", std::string("c1"), {}}, 13)
                  .duplicate);
  CHECK(find_conversation(*f.sql, f.scope(), a.id)->last_seq == 3);
}

TEST_CASE("history pages by seq both ways", "[chat]") {
  chat_db f;
  auto c = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1);
  for (int i = 1; i <= 5; ++i) {
    append_message(*f.sql, f.scope(), c.id,
                   {"", f.alice, "m" + std::to_string(i), std::nullopt, {}}, i);
  }
  auto newest = history(*f.sql, f.scope(), c.id, std::nullopt, std::nullopt, 2);
  REQUIRE(newest.messages.size() == 2);
  CHECK(newest.messages[0].seq == 4);
  CHECK(newest.messages[1].seq == 5);
  CHECK(newest.has_more);
  auto older = history(*f.sql, f.scope(), c.id, int64_t{4}, std::nullopt, 10);
  CHECK(older.messages.size() == 3);
  CHECK(older.messages.front().seq == 1);
  CHECK_FALSE(older.has_more);
  auto after = history(*f.sql, f.scope(), c.id, std::nullopt, int64_t{3}, 1);
  REQUIRE(after.messages.size() == 1);
  CHECK(after.messages[0].seq == 4);
  CHECK(after.has_more);
}

TEST_CASE("unread counts are exact through edits, deletes and reads", "[chat]") {
  chat_db f;
  auto c = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1);
  std::vector<chat::message> sent;
  for (int i = 0; i < 4; ++i) {
    sent.push_back(
        append_message(*f.sql, f.scope(), c.id, {"", f.alice, "hi", std::nullopt, {}}, 10 + i)
            .message);
  }
  append_message(*f.sql, f.scope(), c.id, {"", f.bob, "own", std::nullopt, {}}, 20);
  CHECK(unread_count(*f.sql, f.scope(), c.id, f.bob, 0) == 4);  // not his own
  change_message(*f.sql, f.scope(), sent[1], std::string("edited"), 30);
  CHECK(unread_count(*f.sql, f.scope(), c.id, f.bob, 0) == 4);
  change_message(*f.sql, f.scope(), sent[2], std::nullopt, 31);  // deleted
  CHECK(unread_count(*f.sql, f.scope(), c.id, f.bob, 0) == 3);
  auto moved = move_pointer(*f.sql, f.scope(), c.id, f.bob, true, sent[1].seq);
  REQUIRE(moved);
  CHECK(moved->read_seq == 2);
  CHECK(moved->delivered_seq == 2);  // read implies delivered
  CHECK(unread_count(*f.sql, f.scope(), c.id, f.bob, moved->read_seq) == 1);
  // Pointers never move back, and stop at the end of the log.
  CHECK_FALSE(move_pointer(*f.sql, f.scope(), c.id, f.bob, true, 1));
  auto end = move_pointer(*f.sql, f.scope(), c.id, f.bob, true, 1000);
  REQUIRE(end);
  CHECK(end->read_seq == 5);
  auto list = conversations_of(*f.sql, f.scope(), f.bob);
  REQUIRE(list.size() == 1);
  CHECK(list[0].unread == 0);
  REQUIRE(list[0].last);
  CHECK(list[0].last->content == "own");
  auto deleted = find_message(*f.sql, f.scope(), sent[2].id);
  REQUIRE(deleted);
  CHECK(deleted->deleted_at_us);
  CHECK(deleted->content.empty());
}

TEST_CASE("changes since a version come in version order, bounded", "[chat]") {
  chat_db f;
  auto c = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1);
  auto m1 =
      append_message(*f.sql, f.scope(), c.id, {"", f.alice, "a", std::nullopt, {}}, 1).message;
  auto seen = m1.version;
  auto m2 =
      append_message(*f.sql, f.scope(), c.id, {"", f.alice, "b", std::nullopt, {}}, 2).message;
  change_message(*f.sql, f.scope(), m1, std::string("a2"), 3);
  move_pointer(*f.sql, f.scope(), c.id, f.bob, true, 2);
  auto changes = changes_since(*f.sql, f.scope(), c.id, seen, 10);
  REQUIRE(changes.messages.size() == 2);
  CHECK(changes.messages[0].id == m2.id);
  CHECK(changes.messages[1].id == m1.id);
  CHECK(changes.messages[1].content == "a2");
  REQUIRE(changes.members.size() == 1);
  CHECK(changes.members[0].user_id == f.bob);
  CHECK_FALSE(changes.limited);
  CHECK(changes_since(*f.sql, f.scope(), c.id, 0, 1).limited);
}

TEST_CASE("another tenant's users and conversations do not exist", "[chat]") {
  chat_db f;
  auto c = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1);
  append_message(*f.sql, f.scope(), c.id, {"", f.alice, "secret", std::nullopt, {}}, 1);
  tenant_scope other(f.other_tenant);
  CHECK_FALSE(find_conversation(*f.sql, other, c.id));
  CHECK(history(*f.sql, other, c.id, std::nullopt, std::nullopt, 10).messages.empty());
  CHECK(conversations_of(*f.sql, other, f.alice).empty());
  try {
    direct_conversation(*f.sql, f.scope(), f.alice, f.mallory, 1);
    FAIL("a user of another tenant was found");
  } catch (const store_error& e) {
    CHECK(e.code() == errc::not_found);
  }
  auto group = create_group(*f.sql, f.scope(), f.alice, "team", {f.bob, f.carol, f.bob}, 5);
  CHECK(group.members.size() == 3);
  CHECK(group.kind == "group");
}

TEST_CASE("a talk-group channel's conversation follows the channel's listeners", "[chat][ptt]") {
  chat_db f;
  auto event = create_event(*f.sql, f.scope(), "storm", false, {}, f.alice);
  auto channel = create_channel(*f.sql, f.scope(), event.id, std::nullopt, "ops").id;
  for (const auto& u : {f.alice, f.bob}) {
    assign_user(*f.sql, f.scope(), event.id, u, "USER", std::nullopt,
                std::vector<std::string>{channel}, f.alice);
  }
  // Made on first use, under the channel's id and name, with its listeners as members.
  CHECK_FALSE(find_conversation(*f.sql, f.scope(), channel));
  auto conv = channel_conversation(*f.sql, f.scope(), channel, 1);
  REQUIRE(conv);
  CHECK(conv->id == channel);
  CHECK(conv->kind == "channel");
  CHECK(conv->name == "ops");
  CHECK(conv->members.size() == 2);
  CHECK(resolve_conversation(*f.sql, f.scope(), f.bob, channel, false, 2).id == channel);
  CHECK_THROWS_AS(resolve_conversation(*f.sql, f.scope(), f.carol, channel, true, 2), store_error);

  // A message carries the id it was given (a channel's texts have VoicePing's form).
  auto m = append_message(*f.sql, f.scope(), channel, {"0_17_x.txt", f.bob, "copy", {}, {}}, 3);
  CHECK(m.message.id == "0_17_x.txt");
  CHECK(find_message(*f.sql, f.scope(), "0_17_x.txt")->content == "copy");

  // Carol joins the channel: resolving it for her makes her a member, with one unread.
  assign_user(*f.sql, f.scope(), event.id, f.carol, "USER", std::nullopt,
              std::vector<std::string>{channel}, f.alice);
  conv = resolve_conversation(*f.sql, f.scope(), f.carol, channel, false, 4);
  CHECK(conv->members.size() == 3);
  CHECK(unread_count(*f.sql, f.scope(), channel, f.carol, conv->find(f.carol)->read_seq) == 1);

  // Bob leaves it: the conversation is no longer his.
  set_user_channels(*f.sql, f.scope(), event.id, f.bob, {});
  conv = load_conversation(*f.sql, f.scope(), channel, 5);
  CHECK(conv->members.size() == 2);
  CHECK_FALSE(conv->find(f.bob));
  CHECK_THROWS_AS(resolve_conversation(*f.sql, f.scope(), f.bob, channel, false, 6), store_error);
  CHECK(conversations_of(*f.sql, f.scope(), f.bob).empty());

  // Another tenant's user cannot reach it, and an unknown id is no channel.
  CHECK_FALSE(channel_conversation(*f.sql, tenant_scope(f.other_tenant), channel, 7));
  CHECK_FALSE(load_conversation(*f.sql, f.scope(), f.alice, 7));
}

TEST_CASE("appends run together leave the log as appends run one by one", "[chat]") {
  chat_db f;
  auto ab = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1).id;
  auto ac = direct_conversation(*f.sql, f.scope(), f.alice, f.carol, 1).id;
  auto stored = append_message(*f.sql, f.scope(), ab, {"", f.bob, "old", std::string("k"), {}}, 5);
  std::vector<result_job<appended>> jobs{
      append_job(f.scope(), ab, {"", f.alice, "a1", std::string("c1"), {}}),
      append_job(f.scope(), ac, {"", f.alice, "to carol", std::nullopt, {}}),
      append_job(f.scope(), ab, {"", f.bob, "b1", std::nullopt, {}}),
      append_job(f.scope(), ab, {"", f.alice, "a1 resent", std::string("c1"), {}}),
      append_job(f.scope(), ab, {"", f.bob, "old resent", std::string("k"), {}}),
      append_job(f.scope(), ab, {"", f.alice, "a2", std::nullopt, {}}),
  };
  std::vector<store_job*> run;
  for (auto& j : jobs) run.push_back(j.job.get());
  REQUIRE(run[0]->batcher() != nullptr);
  run[0]->batcher()->execute_all(*f.sql, run);

  auto got = [&](size_t i) -> const appended& { return **jobs[i].value; };
  CHECK(got(0).message.seq == 2);  // after "old"
  CHECK(got(2).message.seq == 3);
  CHECK(got(5).message.seq == 4);
  CHECK(got(1).message.seq == 1);
  CHECK(got(0).message.version + 1 == got(2).message.version);
  CHECK(got(2).message.version + 1 == got(5).message.version);
  // A resend within the run and one of a stored message: the first message, nothing new.
  CHECK(got(3).duplicate);
  CHECK(got(3).message.id == got(0).message.id);
  CHECK(got(3).message.content == "a1");
  CHECK(got(4).duplicate);
  CHECK(got(4).message.id == stored.message.id);
  CHECK(got(4).message.content == "old");
  for (size_t i : {0, 1, 2, 5}) CHECK_FALSE(got(i).duplicate);

  auto page = history(*f.sql, f.scope(), ab, std::nullopt, std::nullopt, 10);
  std::vector<std::string> contents;
  for (const auto& m : page.messages) contents.push_back(m.content);
  CHECK(contents == std::vector<std::string>{"old", "a1", "b1", "a2"});
  CHECK(page.messages[1].id == got(0).message.id);
  CHECK(page.messages[1].client_msg_id == std::optional<std::string>("c1"));
  auto conv = find_conversation(*f.sql, f.scope(), ab);
  CHECK(conv->last_seq == 4);
  CHECK(conv->version == got(5).message.version);
  CHECK(find_conversation(*f.sql, f.scope(), ac)->last_seq == 1);
}

TEST_CASE("a run of appends with another tenant's conversation fails as a whole", "[chat]") {
  chat_db f;
  auto ab = direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1).id;
  auto theirs = direct_conversation(*f.sql, tenant_scope(f.other_tenant), f.mallory, f.mallory, 1);
  std::vector<result_job<appended>> jobs{
      append_job(f.scope(), ab, {"", f.alice, "fine", std::nullopt, {}}),
      append_job(f.scope(), theirs.id, {"", f.alice, "not here", std::nullopt, {}}),
  };
  std::vector<store_job*> run{jobs[0].job.get(), jobs[1].job.get()};
  // The store worker then runs each alone: the first commits, the second fails not_found.
  CHECK_THROWS(run[0]->batcher()->execute_all(*f.sql, run));
  CHECK_THROWS_AS(run[1]->execute(*f.sql), store_error);
}

TEST_CASE("a send names a conversation by id or a user who is still there", "[chat]") {
  chat_db f;
  auto id = resolve_conversation_id(*f.sql, f.scope(), f.alice, f.bob, true, 1);
  CHECK(id == direct_conversation(*f.sql, f.scope(), f.alice, f.bob, 1).id);
  CHECK(resolve_conversation_id(*f.sql, f.scope(), f.bob, f.alice, false, 2) == id);
  CHECK(resolve_conversation_id(*f.sql, f.scope(), f.carol, id, false, 2) == id);  // by id
  // Another tenant's conversation or user is none of ours.
  auto theirs = direct_conversation(*f.sql, tenant_scope(f.other_tenant), f.mallory, f.mallory, 1);
  CHECK_THROWS_AS(resolve_conversation_id(*f.sql, f.scope(), f.alice, theirs.id, false, 3),
                  store_error);
  CHECK_THROWS_AS(resolve_conversation_id(*f.sql, f.scope(), f.alice, f.mallory, true, 3),
                  store_error);
  // A user who was deleted takes no more messages, though the conversation stays.
  soft_delete_user(*f.sql, f.scope(), f.bob, f.alice);
  CHECK_THROWS_AS(resolve_conversation_id(*f.sql, f.scope(), f.alice, f.bob, true, 5), store_error);
}
