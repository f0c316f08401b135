// The TOML config file (config/toml_file): it parses into (dotted key, text) pairs or is
// refused with config_error, the same way every time, and no two pairs share a key (a quoted
// key with a dot in it would read like a table's key).
#include <set>

#include "config/config_error.hpp"
#include "config/toml_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(toml_config) {
  std::vector<std::pair<std::string, std::string>> pairs;
  try {
    pairs = sb::config::read_toml_text(sb::fuzz::as_text(data, size), "fuzz.toml");
  } catch (const sb::config::config_error&) {
    return;
  }
  auto again = sb::config::read_toml_text(sb::fuzz::as_text(data, size), "fuzz.toml");
  SB_FUZZ_CHECK(again == pairs);
  std::set<std::string> keys;
  for (const auto& pair : pairs) SB_FUZZ_CHECK(keys.insert(pair.first).second);
}
