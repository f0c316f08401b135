#include "actors/runtime/census.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/error.hpp>

#include <string>

namespace sb {

actor_census::actor_census(std::string_view kind)
    : live_(metrics::global().get_gauge("sb_actors", "Live actors, by kind",
                                        {{"kind", std::string(kind)}})),
      handled_(metrics::global().get_counter("sb_actor_messages_total",
                                             "Messages handled by actors, by kind",
                                             {{"kind", std::string(kind)}})),
      mailbox_(metrics::global().get_histogram(
          "sb_actor_mailbox_depth", "Messages waiting in an actor's mailbox when it handles one",
          metrics::size_bounds(), {{"kind", std::string(kind)}})) {}

void actor_census::track(caf::local_actor* self) {
  live_.add(1);
  auto* live = &live_;
  self->attach_functor([live](const caf::error&) { live->add(-1); });
}

}  // namespace sb
