// Chat over REST and the native WebSocket protocol (docs/api.md and docs/protocol.md, "Chat"):
// acknowledged after commit, delivered live to every other device of every member, history
// by seq, read pointers and exact unread counts through edits and deletes.

#include <algorithm>
#include <thread>

#include "tests/integration/call_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

namespace {

const std::string alice_mail = "alice@calls.test", bob_mail = "bob@calls.test",
                  carol_mail = "carol@calls.test";

http_reply as(call_fixture& f, const std::string& email, const std::string& method,
              const std::string& path, const boost::json::value& body = nullptr) {
  return call(f.server.port(), method, path, f.token(email), body);
}

object conversation_with(call_fixture& f, const std::string& email, const std::string& other) {
  auto list = as(f, email, "GET", "/api/v1/chat/conversations");
  REQUIRE(list.status == 200);
  auto body = list.json();
  for (const auto& c : body.at("data").as_array()) {
    if (c.at("contactId") == jv(other)) return c.as_object();
  }
  FAIL("no conversation with " << other);
  return {};
}

/// A node whose conversations write straight from their actor, or (`lanes`) through fan-out
/// lanes from the first connection on.
env_map fanout_env(bool lanes) {
  if (!lanes) return {};
  return {{"CHAT_FANOUT_LANE_CONNECTIONS", "1"}, {"CHAT_FANOUT_LANES", "2"}};
}

int64_t unread(call_fixture& f, const std::string& email, const std::string& other) {
  return conversation_with(f, email, other).at("unreadCount").as_int64();
}

}  // namespace

TEST_CASE("two users chat: ack after commit, live delivery, history, receipts, unread", "[chat]") {
  call_fixture f;
  auto [alice_phone, alice_laptop, bob_phone] = f.devices(alice_mail, alice_mail, bob_mail);
  const auto to_bob = "/api/v1/chat/conversations/" + f.bob + "/messages";

  // REST send, acknowledged with the committed message; Bob's device hears it.
  auto first = as(f, alice_mail, "POST", to_bob, object{{"content", "hi"}, {"clientMsgId", "c1"}});
  REQUIRE(first.status == 201);
  auto m1 = data_of(first);
  CHECK(m1.at("seq") == 1);
  CHECK(m1.at("fromUserId") == jv(f.alice));
  CHECK(m1.at("toUserId") == jv(f.bob));
  CHECK(m1.at("read") == false);
  auto heard = next_call_message(*bob_phone, "chat.message").at("message").as_object();
  CHECK(heard.at("id") == m1.at("id"));
  CHECK(heard.at("content") == "hi");
  // Sent over REST, it came from none of Alice's devices: both hear it too.
  CHECK(next_call_message(*alice_phone, "chat.message").at("message").at("seq") == 1);
  CHECK(next_call_message(*alice_laptop, "chat.message").at("message").at("seq") == 1);
  // A resend with the same clientMsgId (a Socket.IO client replaying its buffer): the first
  // message again, and nothing new for anyone.
  auto resent = as(f, alice_mail, "POST", to_bob, object{{"content", "hi"}, {"clientMsgId", "c1"}});
  REQUIRE(resent.status == 201);
  CHECK(data_of(resent).at("id") == m1.at("id"));
  CHECK(stays_quiet(*bob_phone));

  // Native sends: the sending device gets chat.sent, the user's other device and Bob's get
  // chat.message, in seq order.
  std::vector<std::string> ids{str(m1.at("id"))};
  for (int i = 2; i <= 5; ++i) {
    auto sent = call_fixture::ask(
        *alice_phone,
        object{{"type", "chat.send"}, {"to", f.bob}, {"content", "m" + std::to_string(i)}});
    REQUIRE(sent.at("type") == "chat.sent");
    CHECK(sent.at("message").at("seq") == i);
    ids.push_back(str(sent.at("message").at("id")));
    CHECK(next_call_message(*bob_phone, "chat.message").at("message").at("seq") == i);
    CHECK(next_call_message(*alice_laptop, "chat.message").at("message").at("seq") == i);
  }
  CHECK(stays_quiet(*alice_phone));

  // History by seq, newest page first, then older, then after.
  auto page = as(f, bob_mail, "GET", "/api/v1/chat/conversations/" + f.alice + "/messages?limit=2");
  REQUIRE(page.status == 200);
  auto msgs = data_of(page).at("messages").as_array();
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].at("seq") == 4);
  CHECK(msgs[1].at("seq") == 5);
  CHECK(data_of(page).at("hasMore") == true);
  auto older = data_of(
      as(f, bob_mail, "GET", "/api/v1/chat/conversations/" + f.alice + "/messages?before=4"));
  CHECK(older.at("messages").as_array().size() == 3);
  CHECK(older.at("hasMore") == false);
  auto native_page = call_fixture::ask(
      *bob_phone, object{{"type", "chat.history"}, {"to", f.alice}, {"after", 3}, {"limit", 10}});
  REQUIRE(native_page.at("type") == "chat.history");
  CHECK(native_page.at("messages").as_array().size() == 2);

  CHECK(unread(f, bob_mail, f.alice) == 5);
  CHECK(unread(f, alice_mail, f.bob) == 0);  // her own messages

  // Deleting a message takes it out of Bob's unread count; his device hears the delete.
  auto del = as(f, alice_mail, "DELETE", "/api/v1/chat/messages/" + ids[1]);
  INFO(del.body);
  REQUIRE(del.status == 200);
  auto deleted = next_call_message(*bob_phone, "chat.updated").at("message");
  CHECK(deleted.at("deleted") == true);
  CHECK(deleted.at("content") == "");
  CHECK(unread(f, bob_mail, f.alice) == 4);
  // Only the author edits; an edit does not change the count.
  auto theirs =
      as(f, bob_mail, "PATCH", "/api/v1/chat/messages/" + ids[2], object{{"content", "mine now"}});
  CHECK(theirs.status == 403);
  CHECK(theirs.json().at("code") == "forbidden");
  auto edited = as(f, alice_mail, "PATCH", "/api/v1/chat/messages/" + ids[2],
                   object{{"content", "m3, edited"}});
  REQUIRE(edited.status == 200);
  CHECK(next_call_message(*bob_phone, "chat.updated").at("message").at("content") == "m3, edited");
  CHECK(unread(f, bob_mail, f.alice) == 4);

  // Bob reads up to seq 3: Alice's devices get the receipt; his count is what is left.
  auto read = as(f, bob_mail, "PATCH", "/api/v1/chat/conversations/" + f.alice + "/read",
                 object{{"upToSeq", 3}});
  REQUIRE(read.status == 200);
  CHECK(data_of(read).at("receipt").at("readSeq") == 3);
  auto receipt = next_call_message(*alice_phone, "chat.receipt").at("receipt");
  CHECK(receipt.at("userId") == jv(f.bob));
  CHECK(receipt.at("readSeq") == 3);
  CHECK(unread(f, bob_mail, f.alice) == 2);
  // Pointers only move forward; a read without seq reads everything.
  auto back =
      call_fixture::ask(*bob_phone, object{{"type", "chat.read"}, {"to", f.alice}, {"seq", 1}});
  CHECK(back.at("receipt").at("readSeq") == 3);
  REQUIRE(as(f, bob_mail, "PATCH", "/api/v1/chat/conversations/" + f.alice + "/read").status ==
          200);
  CHECK(unread(f, bob_mail, f.alice) == 0);
  auto history = data_of(as(f, alice_mail, "GET", to_bob));
  CHECK(history.at("messages").as_array().back().at("read") == true);
}

TEST_CASE("chat refuses what it must: strangers, bad input, sessions that are not users'",
          "[chat]") {
  call_fixture f(env_map{{"CHAT_MAX_MESSAGE_BYTES", "16"}});
  const auto to_bob = "/api/v1/chat/conversations/" + f.bob + "/messages";
  auto sent = as(f, alice_mail, "POST", to_bob, object{{"content", "private"}});
  REQUIRE(sent.status == 201);
  auto conversation = str(data_of(sent).at("conversationId"));

  // Carol is not in the conversation: it does not exist for her.
  auto peek = as(f, carol_mail, "GET", "/api/v1/chat/conversations/" + conversation + "/messages");
  CHECK(peek.status == 404);
  CHECK(as(f, carol_mail, "POST", "/api/v1/chat/conversations/" + conversation + "/messages",
           object{{"content", "let me in"}})
            .status == 404);
  CHECK(
      as(f, carol_mail, "DELETE", "/api/v1/chat/messages/" + str(data_of(sent).at("id"))).status ==
      404);
  CHECK(as(f, alice_mail, "POST", "/api/v1/chat/conversations/no-such-user/messages",
           object{{"content", "x"}})
            .status == 404);

  auto empty = as(f, alice_mail, "POST", to_bob, object{{"content", "   "}});
  CHECK(empty.status == 400);
  auto big = as(f, alice_mail, "POST", to_bob, object{{"content", std::string(17, 'x')}});
  CHECK(big.status == 413);
  CHECK(big.json().at("code") == "payload_too_large");
  CHECK(as(f, alice_mail, "POST", to_bob, object{{"text", "wrong field"}}).status == 400);
  CHECK(call(f.server.port(), "GET", "/api/v1/chat/conversations", "").status == 401);

  auto device = f.device(alice_mail);
  auto bad = call_fixture::ask(*device, object{{"type", "chat.send"}, {"to", f.bob}});
  CHECK(bad.at("type") == "error");
  CHECK(bad.at("code") == "bad_request");
  auto stranger = call_fixture::ask(
      *device, object{{"type", "chat.send"}, {"to", conversation}, {"content", "ok"}});
  CHECK(stranger.at("type") == "chat.sent");  // Alice is in it
}

TEST_CASE("a group conversation reaches every member", "[chat]") {
  auto lanes = GENERATE(false, true);
  CAPTURE(lanes);
  call_fixture f(fanout_env(lanes));
  auto [bob_phone, carol_phone] = f.devices(bob_mail, carol_mail);
  auto made = as(f, alice_mail, "POST", "/api/v1/chat/conversations",
                 object{{"name", "Dispatch"}, {"members", boost::json::array{f.bob, f.carol}}});
  REQUIRE(made.status == 201);
  auto id = str(data_of(made).at("id"));
  CHECK(data_of(made).at("members").as_array().size() == 3);
  auto sent = as(f, alice_mail, "POST", "/api/v1/chat/conversations/" + id + "/messages",
                 object{{"content", "all hands"}});
  REQUIRE(sent.status == 201);
  CHECK(data_of(sent).at("toUserId").is_null());
  CHECK(next_call_message(*bob_phone, "chat.message").at("message").at("content") == "all hands");
  CHECK(next_call_message(*carol_phone, "chat.message").at("message").at("content") == "all hands");
  CHECK(as(f, alice_mail, "POST", "/api/v1/chat/conversations",
           object{{"name", "x"}, {"members", boost::json::array{"not-a-user"}}})
            .status == 404);
}

TEST_CASE("presence follows all of a user's devices, with a grace before offline", "[chat]") {
  call_fixture f(env_map{{"CHAT_PRESENCE_GRACE_MS", "300"}});
  // Carol and Alice share a conversation, so Carol's devices follow Alice's presence.
  REQUIRE(as(f, alice_mail, "POST", "/api/v1/chat/conversations/" + f.carol + "/messages",
             object{{"content", "hi"}})
              .status == 201);
  // Opened without device()'s ping: the first thing the session says is the presence of those
  // it follows, which device() would skip on its way to the pong.
  ws_client::options o;
  o.headers = bearer(f.token(carol_mail));
  auto carol = std::make_unique<ws_client>(f.server.port(), o);
  auto presence_of_alice = [&] {
    for (;;) {
      auto p = next_call_message(*carol, "presence");
      if (p.at("userId") == jv(f.alice)) return p;
    }
  };
  auto first = presence_of_alice();
  CHECK(first.at("status") == "offline");
  CHECK(first.at("lastSeen").is_null());

  auto phone = f.device(alice_mail);
  CHECK(presence_of_alice().at("status") == "online");
  auto laptop = f.device(alice_mail);
  phone.reset();  // one device left: still online, nothing to tell
  CHECK(stays_quiet(*carol, std::chrono::milliseconds(700)));
  laptop.reset();
  auto gone = presence_of_alice();
  CHECK(gone.at("status") == "offline");
  CHECK(gone.at("lastSeen").is_string());
  // A device back within the grace does not flap.
  auto again = f.device(alice_mail);
  CHECK(presence_of_alice().at("status") == "online");
  again.reset();
  auto back = f.device(alice_mail);
  CHECK(stays_quiet(*carol, std::chrono::milliseconds(600)));
}

TEST_CASE("a connection subscribes to the presence of users it shares nothing with", "[chat]") {
  call_fixture f(env_map{{"CHAT_PRESENCE_GRACE_MS", "200"}, {"CHAT_PRESENCE_WATCH_LIMIT", "4"}});
  // Carol shares no conversation with Alice: she follows nobody until she asks.
  auto carol = f.device(carol_mail);
  auto phone = f.device(alice_mail);
  CHECK(stays_quiet(*carol, std::chrono::milliseconds(300)));

  const std::string stranger = "7d0c5a52-61a1-4c1e-9f0e-3a3c1f1d2b4e";  // no user of hers
  auto answer = call_fixture::ask(
      *carol, object{{"type", "presence.subscribe"},
                     {"userIds", boost::json::array{f.alice, stranger, "not-an-id", f.alice}}});
  CHECK(answer.at("type") == "presence.subscribed");
  CHECK(answer.at("userIds") == boost::json::array{f.alice});  // the tenant's users, once
  auto now = next_call_message(*carol, "presence");
  CHECK(now.at("userId") == jv(f.alice));
  CHECK(now.at("status") == "online");
  phone.reset();
  auto gone = next_call_message(*carol, "presence");
  CHECK(gone.at("status") == "offline");
  CHECK(gone.at("lastSeen").is_string());

  auto too_many = call_fixture::ask(
      *carol, object{{"type", "presence.subscribe"},
                     {"userIds", boost::json::array{f.alice, f.bob, f.carol, stranger, "x"}}});
  CHECK(too_many.at("type") == "error");
  CHECK(too_many.at("code") == "bad_request");
  auto none = call_fixture::ask(
      *carol, object{{"type", "presence.subscribe"}, {"userIds", boost::json::array{}}});
  CHECK(none.at("code") == "bad_request");
}

TEST_CASE("a device that reconnects resumes: no gap, no duplicate, while the other keeps sending",
          "[chat]") {
  auto lanes = GENERATE(false, true);
  CAPTURE(lanes);
  call_fixture f(fanout_env(lanes));
  const auto to_bob = "/api/v1/chat/conversations/" + f.bob + "/messages";
  auto first = as(f, alice_mail, "POST", to_bob, object{{"content", "m1"}});
  REQUIRE(first.status == 201);
  auto conversation = str(data_of(first).at("conversationId"));
  auto bob = f.device(bob_mail);
  REQUIRE(as(f, alice_mail, "POST", to_bob, object{{"content", "m2"}}).status == 201);
  auto seen = next_call_message(*bob, "chat.message").at("message");
  CHECK(seen.at("seq") == 2);
  auto seen_version = seen.at("version").as_int64();
  bob.reset();  // Bob's phone drops

  // Alice goes on sending, over the drop and the resume.
  constexpr int kTotal = 60;
  std::thread sender([&] {
    for (int i = 3; i <= kTotal; ++i) {
      auto r = as(f, alice_mail, "POST", to_bob, object{{"content", "m" + std::to_string(i)}});
      if (r.status != 201) FAIL_CHECK("send " << i << ": " << r.body);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Bob's phone is back: its first request is the resume. Everything it reads is kept (events
  // told live before the answer count too: they are not in the answer).
  ws_client::options o;
  o.headers = bearer(f.token(bob_mail));
  bob = std::make_unique<ws_client>(f.server.port(), o);
  bob->send_text(boost::json::serialize(
      object{{"type", "chat.sync"}, {"id", "s"}, {"since", object{{conversation, seen_version}}}}));
  std::vector<int64_t> seqs, after_answer;
  bool answered = false;
  while (!answered || seqs.empty() || *std::max_element(seqs.begin(), seqs.end()) < kTotal) {
    auto text = bob->read(std::chrono::seconds(10));
    REQUIRE(text);
    auto m = boost::json::parse(*text).as_object();
    if (m.at("type") == "chat.synced") {
      answered = true;
      auto entry = m.at("conversations").at(0).as_object();
      CHECK(entry.at("limited") == false);
      for (const auto& c : entry.at("messages").as_array()) seqs.push_back(c.at("seq").as_int64());
    } else if (m.at("type") == "chat.message") {
      seqs.push_back(m.at("message").at("seq").as_int64());
      if (answered) after_answer.push_back(seqs.back());
    }
  }
  sender.join();
  // Every message once: none missed, none twice; what comes after the answer, in order.
  std::sort(seqs.begin(), seqs.end());
  std::vector<int64_t> expected;
  for (int64_t i = 3; i <= kTotal; ++i) expected.push_back(i);
  CHECK(seqs == expected);
  CHECK(std::is_sorted(after_answer.begin(), after_answer.end()));

  // Past chat.resume_limit (500) a conversation is answered limited: reload the history.
  auto old =
      call_fixture::ask(*bob, object{{"type", "chat.sync"}, {"since", object{{conversation, 0}}}});
  CHECK(old.at("conversations").at(0).at("limited") == false);
  auto stranger = call_fixture::ask(
      *f.device(carol_mail), object{{"type", "chat.sync"}, {"since", object{{conversation, 0}}}});
  CHECK(stranger.at("conversations").as_array().empty());  // not hers: it does not exist
}

TEST_CASE("a resume past the replay bound is answered limited", "[chat]") {
  call_fixture f(env_map{{"CHAT_RESUME_LIMIT", "3"}});
  const auto to_bob = "/api/v1/chat/conversations/" + f.bob + "/messages";
  std::string conversation;
  for (int i = 0; i < 5; ++i) {
    auto r = as(f, alice_mail, "POST", to_bob, object{{"content", "x"}});
    conversation = str(data_of(r).at("conversationId"));
  }
  auto bob = f.device(bob_mail);
  auto synced =
      call_fixture::ask(*bob, object{{"type", "chat.sync"}, {"since", object{{conversation, 0}}}});
  auto entry = synced.at("conversations").at(0);
  CHECK(entry.at("limited") == true);
  CHECK(entry.at("messages").as_array().empty());
  auto recent = call_fixture::ask(
      *bob, object{{"type", "chat.sync"},
                   {"since", object{{conversation, entry.at("version").as_int64() - 2}}}});
  CHECK(recent.at("conversations").at(0).at("limited") == false);
  CHECK(recent.at("conversations").at(0).at("messages").as_array().size() == 2);
}

TEST_CASE("attachments: uploaded, sent with a message, served to members only", "[chat]") {
  temp_dir files;
  call_fixture f(env_map{{"CHAT_ATTACHMENTS_DIR", files.file("attachments")},
                         {"CHAT_MAX_ATTACHMENT_BYTES", "1000"}});
  auto port = f.server.port();
  const auto base = "/api/v1/chat/conversations/" + f.bob;
  auto token = f.token(alice_mail);
  std::string pdf = "%PDF-1.4\n\x00\x01 binary bytes";
  auto up = http_request(
      port, "POST", base + "/attachments?name=..%2Freport%22.pdf", pdf,
      {{"Authorization", "Bearer " + token}, {"Content-Type", "application/pdf; charset=binary"}});
  INFO(up.body);
  REQUIRE(up.status == 201);
  auto file = boost::json::parse(up.body).at("data").as_object();
  CHECK(file.at("name") == "report.pdf");  // no path, no quote
  CHECK(file.at("contentType") == "application/pdf");
  CHECK(file.at("size") == static_cast<int64_t>(pdf.size()));
  auto id = str(file.at("id"));

  // Before it is sent, only its uploader sees it.
  auto get = [&](const std::string& email) {
    return http_request(port, "GET", "/api/v1/chat/attachments/" + id, "",
                        {{"Authorization", "Bearer " + f.token(email)}});
  };
  CHECK(get(alice_mail).body == pdf);
  CHECK(get(bob_mail).status == 404);
  auto bob = f.device(bob_mail);
  auto sent = as(f, alice_mail, "POST", base + "/messages",
                 object{{"attachmentIds", boost::json::array{id}}});  // a file alone
  REQUIRE(sent.status == 201);
  CHECK(data_of(sent).at("attachments").at(0).at("id") == jv(id));
  auto heard = next_call_message(*bob, "chat.message").at("message");
  CHECK(heard.at("attachments").at(0).at("url") == jv("/api/v1/chat/attachments/" + id));
  auto got = get(bob_mail);
  CHECK(got.status == 200);
  CHECK(got.body == pdf);
  CHECK(got.headers["content-type"] == "application/pdf");
  CHECK(got.headers["x-content-type-options"] == "nosniff");
  CHECK(get(carol_mail).status == 404);  // not a member
  // A file goes with one message only, and only its uploader sends it.
  CHECK(as(f, alice_mail, "POST", base + "/messages",
           object{{"content", "again"}, {"attachmentIds", boost::json::array{id}}})
            .status == 400);
  // Limits: size, an empty body, a missing name.
  auto big = http_request(port, "POST", base + "/attachments?name=big.bin", std::string(1001, 'x'),
                          {{"Authorization", "Bearer " + token}});
  CHECK(big.status == 413);
  CHECK(http_request(port, "POST", base + "/attachments?name=e", "",
                     {{"Authorization", "Bearer " + token}})
            .status == 400);
  CHECK(
      http_request(port, "POST", base + "/attachments", "x", {{"Authorization", "Bearer " + token}})
          .status == 400);
  // A deleted message's file is served to nobody.
  REQUIRE(
      as(f, alice_mail, "DELETE", "/api/v1/chat/messages/" + str(data_of(sent).at("id"))).status ==
      200);
  CHECK(get(bob_mail).status == 404);
}

}  // namespace sb::test
