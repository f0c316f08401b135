// Dialpad webhook bodies (protocols/dialpad/webhook_body), JWT and HMAC forms: with a secret
// set, no unsigned body passes; whatever passes is a JSON object of claims.
#include <optional>
#include <string>

#include "protocols/dialpad/webhook_body.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(dialpad_webhook) {
  // The first line is the x-dialpad-signature header, the rest the body.
  auto text = sb::fuzz::as_text(data, size);
  auto newline = text.find('\n');
  auto header = newline == std::string_view::npos ? std::string_view{} : text.substr(0, newline);
  auto body = newline == std::string_view::npos ? text : text.substr(newline + 1);
  const std::optional<std::string> secret = std::string("fuzz-webhook-secret");
  auto signed_result = sb::dialpad::verify_webhook(body, header, secret, 1'800'000'000);
  if (auto* ok = std::get_if<sb::dialpad::verified_body>(&signed_result)) {
    SB_FUZZ_CHECK(ok->how != sb::dialpad::signing::unsigned_);
  }
  auto open = sb::dialpad::verify_webhook(body, {}, std::nullopt, 1'800'000'000);
  if (auto* ok = std::get_if<sb::dialpad::verified_body>(&open)) {
    SB_FUZZ_CHECK(ok->how == sb::dialpad::signing::unsigned_);
  }
}
