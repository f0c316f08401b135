#include "actors/cluster/node_news.hpp"

#include <caf/all.hpp>

namespace sb {

void tell_directories(const directory_actor& directory, const membership_actor& cluster,
                      const caf::message& msg) {
  // The directory's interface is typed; a whole message goes through its dynamic handle.
  caf::anon_send(caf::actor_cast<caf::actor>(directory), msg);
  if (cluster) caf::anon_send(cluster, broadcast_atom::value, msg);
}

}  // namespace sb
