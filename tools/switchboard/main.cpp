#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/ground/logging.hpp"
#include "config/load.hpp"
#include "tools/switchboard/node.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  sb::config::invocation inv;
  try {
    inv = sb::config::load(args, sb::config::process_env());
  } catch (const sb::config::config_error& e) {
    fmt::print(stderr, "switchboard: configuration error: {}\n", e.what());
    return 2;
  }
  if (inv.help) {
    fmt::print("{}", sb::config::help_text());
    return 0;
  }
  if (inv.version) {
    fmt::print("switchboard {}\n", SB_VERSION);
    return 0;
  }
  sb::init_logging(inv.config.log.level, inv.config.log.json);
  if (inv.command == "migrate") return sb::run_migrate(inv.config);
  return sb::run_node(inv.config);
}
