#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sb::test {

namespace {

pid_t spawn(const std::vector<std::string>& args, const env_map& env, const std::string& log) {
  std::vector<std::string> env_strings;
  env_strings.push_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv;
  std::string binary = SB_BINARY_PATH;
  argv.push_back(binary.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

server_process::server_process(env_map env, std::vector<std::string> args) {
  env["PORT"] = "0";
  env["PORT_FILE"] = dir_.file("port");
  env.emplace("HOST", "127.0.0.1");
  env.emplace("LOG_LEVEL", "debug");
  for (const auto& [k, v] : test_identity_env()) env.emplace(k, v);
  pid_ = spawn(args, env, dir_.file("log"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(dir_.file("port"));
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<uint16_t>(port);
      return;
    }
    if (!running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto output = log();
  if (running()) stop(SIGKILL);
  throw std::runtime_error("switchboard did not start; its log:\n" + output);
}

server_process::~server_process() {
  if (pid_ > 0 && running()) stop(SIGKILL);
}

bool server_process::running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return false;
  }
  return true;
}

int server_process::stop(int sig, std::chrono::seconds timeout) {
  if (!running()) return exit_code_;
  kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_code_ = decode_status(status);
      throw std::runtime_error("switchboard did not exit in time; its log:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::string server_process::log() const {
  return read_file(dir_.file("log"));
}

env_map test_identity_env() {
  return {{"BOOTSTRAP_ADMIN_EMAIL", kAdminEmail},
          {"BOOTSTRAP_ADMIN_PASSWORD", kAdminPassword},
          {"JWT_SECRET", "test-jwt-secret-0123456789abcdef0123456789"},
          {"INTERNAL_API_SECRET", kInternalSecret},
          // Cheap argon2id: the tests check behaviour, the benchmark measures cost.
          {"PASSWORD_HASH_OPS", "1"},
          {"PASSWORD_HASH_MEMORY_KIB", "8192"}};
}

run_result run_switchboard(std::vector<std::string> args, env_map env) {
  temp_dir dir;
  pid_t pid = spawn(args, env, dir.file("out"));
  int status = 0;
  waitpid(pid, &status, 0);
  return {decode_status(status), read_file(dir.file("out"))};
}

}  // namespace sb::test
