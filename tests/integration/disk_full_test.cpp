// A full disk (docs/reliability.md): SQLite and the recordings directory on small filesystems
// (tmpfs, mounted by the test: it runs as root, as tools/test.sh does) that fill up.

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "tests/integration/cti_fixture.hpp"
#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

namespace {

using namespace std::chrono_literals;

/// A tmpfs of `size` mounted on a fresh directory for the test's life; fill() takes all its
/// free space, release() gives it back.
class small_filesystem {
 public:
  explicit small_filesystem(const std::string& size) {
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
      throw std::runtime_error(std::string("cannot mount a tmpfs for the disk-full test (it needs "
                                           "root, as tools/test.sh runs): ") +
                               std::strerror(errno));
    }
  }
  ~small_filesystem() { ::umount2(dir_.path().c_str(), MNT_DETACH); }

  std::string path() const { return dir_.path(); }

  void fill() {
    int fd = ::open(dir_.file("filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    REQUIRE(fd >= 0);
    std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  void release() { ::unlink(dir_.file("filler").c_str()); }

 private:
  temp_dir dir_;
};

/// Sends an echo and returns its answer's type and code ("echo.ok", or "error" and its code).
std::string echo(ws_client& c, const std::string& id) {
  c.send_text(R"({"type":"echo","id":")" + id + R"(","text":"note )" + id + "\"}");
  for (;;) {
    auto m = c.read(10s);
    if (!m) return "no answer";
    auto reply = boost::json::parse(*m).as_object();
    if (reply.at("id") != boost::json::value(id)) continue;
    if (reply.at("type") == "echo.ok") return "echo.ok";
    return std::string(reply.at("type").as_string()) + " " +
           std::string(reply.at("code").as_string());
  }
}

}  // namespace

TEST_CASE("a full disk refuses writes clearly; reads and live talk go on; writes come back",
          "[durability][disk_full][sqlite_only]") {
  small_filesystem data("16m"), recordings("1m");
  ptt_fixture f({{"RECORDINGS_DIR", recordings.path()},
                 {"DATABASE_BACKOFF_INITIAL", "50"},
                 {"DATABASE_BACKOFF_MAX", "500"}},
                data.path());
  f.members("talker@full.test", "listener@full.test");
  auto [talker, listener] = f.connect_all("talker@full.test", "listener@full.test");
  REQUIRE(echo(*talker, "before") == "echo.ok");

  data.fill();
  recordings.fill();
  // A write fails at once, and says why.
  CHECK(echo(*talker, "full") == "error storage_full");
  auto create = call(f.server.port(), "POST", "/api/events", f.admin,
                     boost::json::object{{"name", "Overflow"}});
  CHECK(create.status == 507);
  CHECK(create.json().at("code") == "storage_full");
  CHECK(create.header("retry-after") == "30");
  // Reads still answer.
  auto users = call(f.server.port(), "GET", "/api/v1/users", f.admin);
  CHECK(users.status == 200);
  // Live talk goes on: every frame reaches the listener though nothing can be recorded.
  REQUIRE(start_talking(*talker, f.channel).at("type") == "ptt.granted");
  for (int i = 0; i < 20; ++i) talker->send_binary(audio_frame(f.channel, std::string(200, 'a')));
  int heard = 0;
  while (heard < 20 && next_audio(*listener)) ++heard;
  CHECK(heard == 20);
  auto stopped = stop_talking(*talker, f.channel);
  CHECK(stopped.at("message_id").is_null());  // not recorded
  CHECK(eventually([&] { return metric(f.server.port(), "sb_ptt_recordings_failed_total") >= 1; }));

  // Space comes back: so do writes, on the same connection.
  data.release();
  recordings.release();
  CHECK(eventually([&] { return echo(*talker, "after") == "echo.ok"; }, 15s));
  CHECK(http_request(f.server.port(), "GET", "/health").status == 200);
}

}  // namespace sb::test
