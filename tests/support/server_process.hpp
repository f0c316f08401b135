#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

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

  /// A server that crashed (a fatal signal, a sanitizer report) prints its log's tail to
  /// stderr, so a failure in CI shows why the node went away.
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  uint16_t port() const { return port_; }

  /// The VoicePing listener's port (VOICEPING_PORT=0 and VOICEPING_PORT_FILE are added unless
  /// the test sets them); 0 when it is disabled.
  uint16_t voiceping_port() const;

  /// Sends `sig` and waits for exit; returns the exit code, or 128+signal if killed by one.
  int stop(int sig, std::chrono::seconds timeout = std::chrono::seconds(30));

  /// Stops the server with `sig` (SIGKILL: a crash) and starts it again with the same
  /// settings (and `changed` ones) on the same ports; returns when it listens again.
  void restart(int sig, const env_map& changed = {});

  /// True while the process runs.
  bool running() { return child_->running(); }

  /// The process id (to pause it with SIGSTOP, say).
  pid_t pid() const { return child_->pid(); }

  /// The server's resident memory in KiB (VmRSS), read from /proc.
  long rss_kib() const;

  /// False in a sanitized build: ASan's quarantine and shadow memory swamp what the node holds,
  /// so memory bounds are checked in the ordinary build only.
#ifdef SB_SANITIZED
  static constexpr bool rss_is_meaningful = false;
#else
  static constexpr bool rss_is_meaningful = true;
#endif

  /// Everything the server wrote to stdout and stderr so far.
  std::string log() const {
    return read_file(dir_.file("log"));
  }

 private:
  void start();

  temp_dir dir_;
  env_map env_;
  std::vector<std::string> args_;
  std::unique_ptr<child_process> child_;
  uint16_t port_ = 0;
};

/// Runs the binary to completion (e.g. --help, migrate); returns exit code and output.
struct run_result {
  int exit_code;
  std::string output;
};
run_result run_switchboard(std::vector<std::string> args, env_map env);

}  // namespace sb::test
