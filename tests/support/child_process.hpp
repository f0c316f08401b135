#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sb::test {

/// Environment for a child: nothing is inherited but PATH, so tests control every setting.
using env_map = std::map<std::string, std::string>;

/// A child process with stdout and stderr appended to `log_path`. The destructor kills it.
class child_process {
 public:
  child_process(const std::string& program, const std::vector<std::string>& args,
                const env_map& env, const std::string& log_path);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// True while it runs.
  bool running();

  /// Sends `sig` and waits; returns the exit code, or 128+signal when killed by one. Throws
  /// (after SIGKILL) if it does not exit within `timeout`.
  int stop(int sig, std::chrono::seconds timeout = std::chrono::seconds(30));

  /// Waits for a normal exit; returns its code like stop().
  int wait();

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

std::string read_file(const std::string& path);

}  // namespace sb::test
