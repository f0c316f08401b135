#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/node_config.hpp"

namespace sb::config {

/// Looks up an environment variable; std::nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment.
env_lookup process_env();

/// What the command line asked for.
struct invocation {
  std::string command = "serve";  ///< "serve" or "migrate"
  bool help = false;
  bool version = false;
  node_config config;
};

/// Builds the configuration: defaults, then the TOML file named by `--config PATH` (or the
/// SWITCHBOARD_CONFIG variable), then environment variables, then flags. `args` excludes the
/// program name. Throws config_error naming the key and the source of any bad value.
invocation load(const std::vector<std::string>& args, const env_lookup& env);

/// The text printed by `switchboard --help`.
std::string help_text();

}  // namespace sb::config
