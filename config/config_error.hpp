#pragma once

#include <stdexcept>
#include <string>

namespace sb::config {

/// A configuration value that cannot be used. The message names the key and where the value
/// came from, e.g. "server.port (environment variable PORT): expected an integer …".
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sb::config
