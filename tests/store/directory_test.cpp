#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>

#include "actors/directory/directory.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

struct directory_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }
  directory_fixture() : sys(prepare(cfg)) {
    std::map<std::string, activator> activators;
    activators["echo"] = [this](caf::actor_system& s, const std::string& id) {
      ++activations;
      return s.spawn([id](caf::event_based_actor*) -> caf::behavior {
        return {[id](caf::get_atom) { return id; }};
      });
    };
    directory = sys.spawn(directory_impl, activators, directory_placement{});
  }
  ~directory_fixture() { caf::anon_send_exit(directory, caf::exit_reason::user_shutdown); }

  caf::actor resolve(const std::string& id, errc* error = nullptr) {
    caf::scoped_actor self{sys};
    caf::actor out;
    self->request(directory, 5s, resolve_atom::value, id)
        .receive([&](caf::actor& a) { out = a; },
                 [&](caf::error& e) {
                   if (error) *error = to_errc(e);
                 });
    return out;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  directory_actor directory;
  std::atomic<int> activations{0};
};

}  // namespace

TEST_CASE("the directory activates an actor on first use and reuses it", "[directory]") {
  directory_fixture f;
  auto a = f.resolve("echo:1");
  REQUIRE(a);
  CHECK(f.resolve("echo:1") == a);
  CHECK(f.activations == 1);
  caf::scoped_actor self{f.sys};
  self->request(a, 5s, caf::get_atom::value)
      .receive([&](const std::string& id) { CHECK(id == "echo:1"); },
               [&](caf::error&) { FAIL("no reply"); });
  CHECK(f.resolve("echo:2") != a);
  std::vector<std::string> listed;
  self->request(f.directory, 5s, list_atom::value, std::string("echo"))
      .receive([&](std::vector<std::string>& ids) { listed = ids; }, [](caf::error&) {});
  CHECK(listed == std::vector<std::string>{"echo:1", "echo:2"});
}

TEST_CASE("an actor that dies is forgotten and re-activated on next use", "[directory]") {
  directory_fixture f;
  auto a = f.resolve("echo:x");
  caf::scoped_actor self{f.sys};
  self->monitor(a);
  self->send_exit(a, caf::exit_reason::user_shutdown);
  self->receive([](caf::down_msg&) {});
  // The directory learns of the death asynchronously; poll until it re-activates.
  caf::actor b;
  for (int i = 0; i < 100 && (!b || b == a); ++i) {
    b = f.resolve("echo:x");
    if (b == a) std::this_thread::sleep_for(10ms);
  }
  CHECK(b);
  CHECK(b != a);
  CHECK(f.activations == 2);
}

TEST_CASE("unknown kinds are not_found and ids cannot be taken twice", "[directory]") {
  directory_fixture f;
  errc code = errc::internal;
  CHECK_FALSE(f.resolve("nobody:1", &code));
  CHECK(code == errc::not_found);
  caf::scoped_actor self{f.sys};
  auto a =
      f.sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](caf::get_atom) {}}; });
  bool first = false;
  bool second = true;
  self->request(f.directory, 5s, register_atom::value, std::string("session:1"), a)
      .receive([&](bool ok) { first = ok; }, [](caf::error&) {});
  self->request(f.directory, 5s, register_atom::value, std::string("session:1"), a)
      .receive([&](bool ok) { second = ok; }, [](caf::error&) {});
  CHECK(first);
  CHECK_FALSE(second);
  CHECK(f.resolve("session:1") == a);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
