// DATABASE_URL (config/database_url): a URL parses or is refused with invalid_argument, and
// the form that is logged never holds the password.
#include <stdexcept>
#include <string>

#include "config/database_url.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(database_url) {
  auto url = sb::fuzz::as_text(data, size);
  sb::config::database_target target;
  try {
    target = sb::config::parse_database_url(url);
  } catch (const std::invalid_argument&) {
    return;
  }
  if (target.kind != sb::config::dialect::postgresql) return;
  // user:password@ in the authority: the display shows *** instead.
  auto scheme_end = url.find("://");
  auto at = url.find('@', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (scheme_end == std::string_view::npos || at == std::string_view::npos) return;
  auto userinfo = url.substr(scheme_end + 3, at - scheme_end - 3);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos || userinfo.find('/') != std::string_view::npos) return;
  auto password = userinfo.substr(colon + 1);
  // Only a password that stands nowhere else in the URL (a user name may hold the same
  // bytes) and is not made of the mask's stars can be looked for in the display.
  bool unique = url.find(password) == url.rfind(password);
  if (password.size() >= 4 && unique && password.find('*') == std::string_view::npos) {
    SB_FUZZ_CHECK(target.display.find(password) == std::string::npos);
  }
}
