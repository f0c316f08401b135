// Chat message validation (config/domain/chat) and its wire form (protocols/chat): content the
// rule accepts is valid UTF-8 within the limit and not blank, and comes back byte for byte
// from the JSON every client reads; content it refuses is refused with a client error. The
// same bytes as an attachment's file name and type: what is kept is safe to store and to put
// in a Content-Disposition or Content-Type header.
#include <boost/json.hpp>

#include "config/domain/chat/chat_model.hpp"
#include "config/ground/utf8.hpp"
#include "protocols/chat/chat_json.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(chat_message) {
  constexpr size_t kLimit = 512;
  std::string content(sb::fuzz::as_text(data, size));
  auto name = sb::chat::safe_file_name(content);
  SB_FUZZ_CHECK(!name.empty() && name.size() <= 255 && sb::is_valid_utf8(name));
  SB_FUZZ_CHECK(name.find_first_of("/\\\"") == std::string::npos && name != "." && name != "..");
  for (unsigned char c : name) SB_FUZZ_CHECK(c >= 0x20 && c != 0x7F);
  auto type = sb::chat::safe_content_type(content);
  auto slash = type.find('/');
  SB_FUZZ_CHECK(slash != std::string::npos && slash > 0 && slash + 1 < type.size());
  SB_FUZZ_CHECK(type.find_first_of(" ;\r\n\"") == std::string::npos);
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
