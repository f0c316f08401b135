#include "tests/support/server_process.hpp"

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace sb::test {

env_map test_identity_env() {
  return {{"BOOTSTRAP_ADMIN_EMAIL", kAdminEmail},
          {"BOOTSTRAP_ADMIN_PASSWORD", kAdminPassword},
          // Tests act as the bootstrap admin at once; the forced change has tests of its own.
          {"BOOTSTRAP_ADMIN_MUST_CHANGE_PASSWORD", "false"},
          {"JWT_SECRET", "test-jwt-secret-0123456789abcdef0123456789"},
          {"INTERNAL_API_SECRET", kInternalSecret},
          // Cheap argon2id: the tests check behaviour, the benchmark measures cost.
          {"PASSWORD_HASH_OPS", "1"},
          {"PASSWORD_HASH_MEMORY_KIB", "8192"}};
}

server_process::server_process(env_map settings, std::vector<std::string> args)
    : env_(std::move(settings)), args_(std::move(args)) {
  auto& env = env_;
  env["PORT"] = "0";
  env["PORT_FILE"] = dir_.file("port");
  env.emplace("HOST", "127.0.0.1");
  env.emplace("VOICEPING_PORT", "0");
  env.emplace("VOICEPING_PORT_FILE", dir_.file("voiceping_port"));
  env.emplace("RECORDINGS_DIR", dir_.file("recordings"));  // the test's temp dir, not the cwd
  env.emplace("LOG_LEVEL", "debug");
  for (const auto& [k, v] : test_identity_env()) env.emplace(k, v);
  start();
}

namespace {

bool crashed(int exit_code, const std::string& log) {
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) {
    if (exit_code == 128 + sig) return true;
  }
  return log.find("ERROR: AddressSanitizer") != std::string::npos ||
         log.find("runtime error:") != std::string::npos;
}

std::string tail_lines(const std::string& text, size_t lines) {
  size_t at = text.size();
  while (lines-- > 0 && at > 0) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
  }
  return text.substr(at);
}

}  // namespace

server_process::~server_process() {
  if (!child_ || child_->running()) return;
  auto output = log();
  int code = child_->wait();
  if (!crashed(code, output)) return;
  std::fprintf(stderr, "switchboard (pid %d) crashed, exit %d; the end of its log:\n%s\n",
               child_->pid(), code, tail_lines(output, 80).c_str());
}

void server_process::restart(int sig, const env_map& changed) {
  stop(sig);
  for (const auto& [k, v] : changed) env_[k] = v;
  env_["PORT"] = std::to_string(port_);
  if (env_["VOICEPING_PORT"] == "0") env_["VOICEPING_PORT"] = std::to_string(voiceping_port());
  std::remove(dir_.file("port").c_str());
  start();
}

void server_process::start() {
  child_ = std::make_unique<child_process>(SB_BINARY_PATH, args_, env_, dir_.file("log"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(dir_.file("port"));
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<uint16_t>(port);
      return;
    }
    if (!child_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto output = log();
  child_.reset();
  throw std::runtime_error("switchboard did not start; its log:\n" + output);
}

uint16_t server_process::voiceping_port() const {
  std::ifstream in(dir_.file("voiceping_port"));
  int port = 0;
  return in >> port ? static_cast<uint16_t>(port) : 0;
}

long server_process::rss_kib() const {
  auto status = read_file("/proc/" + std::to_string(child_->pid()) + "/status");
  auto at = status.find("VmRSS:");
  if (at == std::string::npos) throw std::runtime_error("no VmRSS for the server");
  return std::stol(status.substr(at + 6));
}

int server_process::stop(int sig, std::chrono::seconds timeout) {
  try {
    return child_->stop(sig, timeout);
  } catch (const std::runtime_error&) {
    throw std::runtime_error("switchboard did not exit in time; its log:\n" + log());
  }
}

run_result run_switchboard(std::vector<std::string> args, env_map env) {
  temp_dir dir;
  child_process child(SB_BINARY_PATH, args, env, dir.file("out"));
  int code = child.wait();
  return {code, read_file(dir.file("out"))};
}

}  // namespace sb::test
