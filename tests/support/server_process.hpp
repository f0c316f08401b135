#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace sb::test {

/// Environment for a server under test: a fresh environment (nothing inherited but PATH), so
/// the tests control every setting.
using env_map = std::map<std::string, std::string>;

/// The bootstrap administrator and operator secret every test server starts with.
inline constexpr const char* kAdminEmail = "admin@test.local";
inline constexpr const char* kAdminPassword = "correct-Horse-battery-9";
inline constexpr const char* kInternalSecret = "test-internal-secret-0123456789abcdef";

/// The identity settings added to every test server unless the test sets them itself.
env_map test_identity_env();

/// Runs the real `switchboard` binary as a child process on an ephemeral port, with its
/// output in a log file. The destructor kills it if it still runs.
class server_process {
 public:
  /// Starts `switchboard serve` with `env` (PORT=0, PORT_FILE and test_identity_env() are
  /// added) and waits until it listens. Throws with the server's log when it does not come up.
  explicit server_process(env_map env, std::vector<std::string> args = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  uint16_t port() const { return port_; }

  /// Sends `sig` and waits for exit; returns the exit code, or 128+signal if killed by one.
  int stop(int sig, std::chrono::seconds timeout = std::chrono::seconds(30));

  /// True while the process runs.
  bool running();

  /// Everything the server wrote to stdout and stderr so far.
  std::string log() const;

 private:
  temp_dir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int exit_code_ = -1;
};

/// Runs the binary to completion (e.g. --help, migrate); returns exit code and output.
struct run_result {
  int exit_code;
  std::string output;
};
run_result run_switchboard(std::vector<std::string> args, env_map env);

}  // namespace sb::test
