// The directory's routing (actors/directory): forward to one logical id, activating it only
// when asked. Deterministic: nothing sleeps.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/directory/directory.hpp"
#include "tests/actors/deterministic.hpp"

using namespace sb;

namespace {

using heard_log = std::shared_ptr<std::vector<std::string>>;

/// An actor that writes "<name>:<text>" for every text it is sent.
caf::behavior recorder(caf::event_based_actor*, std::string name, heard_log log) {
  return {[=](const std::string& text) { log->push_back(name + ":" + text); }};
}

struct directory_fixture : test::deterministic_system {
  directory_fixture() {
    std::map<std::string, activator> activators{
        {"thing", [this](caf::actor_system& s, const std::string& id) {
           ++activations;
           return s.spawn(recorder, id, log);
         }}};
    directory = sys.spawn(directory_impl, activators, directory_placement{});
    run();
  }

  void add(const std::string& id, std::vector<std::string> tags) {
    auto ok = ask<bool>(directory, register_atom::value, id, sys.spawn(recorder, id, log),
                        std::move(tags));
    REQUIRE(ok);
    REQUIRE(std::get<0>(*ok));
  }

  heard_log log = std::make_shared<std::vector<std::string>>();
  int activations = 0;
  directory_actor directory;
};

}  // namespace

TEST_CASE("forward reaches one logical id, activating it only when asked", "[directory]") {
  directory_fixture f;
  caf::anon_send(f.directory, forward_atom::value, "thing:1", caf::make_message(std::string("a")),
                 false);
  f.run();
  CHECK(f.log->empty());  // not live, not activated
  CHECK(f.activations == 0);

  caf::anon_send(f.directory, forward_atom::value, "thing:1", caf::make_message(std::string("b")),
                 true);
  caf::anon_send(f.directory, forward_atom::value, "thing:1", caf::make_message(std::string("c")),
                 false);
  f.run();
  CHECK(*f.log == std::vector<std::string>{"thing:1:b", "thing:1:c"});  // live now: no second
  CHECK(f.activations == 1);

  caf::anon_send(f.directory, forward_atom::value, "nokind:1", caf::make_message(std::string("d")),
                 true);
  f.run();
  CHECK(f.log->size() == 2);  // no activator for the kind: nothing, and no crash
}
