// Chat message validation (config/domain/chat) and its wire form (protocols/chat): content the
// rule accepts is valid UTF-8 within the limit and not blank, and comes back byte for byte
// from the JSON every client reads; content it refuses is refused with a client error.
#include <boost/json.hpp>

#include "config/domain/chat/chat_model.hpp"
#include "config/ground/utf8.hpp"
#include "protocols/chat/chat_json.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(chat_message) {
  constexpr size_t kLimit = 512;
  std::string content(sb::fuzz::as_text(data, size));
  auto refusal = sb::chat::check_content(content, kLimit);
  if (refusal) {
    SB_FUZZ_CHECK(refusal->code == sb::errc::bad_request ||
                  refusal->code == sb::errc::payload_too_large);
    return;
  }
  SB_FUZZ_CHECK(content.size() <= kLimit && sb::is_valid_utf8(content));
  SB_FUZZ_CHECK(content.find_first_not_of(" \t\r\n") != std::string::npos);
  sb::chat::message m;
  m.id = "m1";
  m.conversation_id = "c1";
  m.sender_id = "u1";
  m.content = content;
  m.seq = 1;
  auto text = boost::json::serialize(sb::chat::message_json(m, std::string("u2"), false));
  boost::json::error_code ec;
  auto back = boost::json::parse(text, ec);
  SB_FUZZ_CHECK(!ec);
  SB_FUZZ_CHECK(back.at("content").as_string() == content);
}
