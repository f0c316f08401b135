#include "actors/session/voiceping_naming.hpp"

namespace sb {

void learn_links(voiceping::wire_ids& ids, const std::vector<persistence::id_link>& links) {
  for (const auto& l : links) {
    auto k = l.what == persistence::id_link::kind::user ? voiceping::wire_ids::kind::user
                                                        : voiceping::wire_ids::kind::channel;
    ids.add(k, l.external.text, l.external.is_number, l.internal);
  }
}

}  // namespace sb
