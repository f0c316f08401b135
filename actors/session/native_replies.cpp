#include "actors/session/native_replies.hpp"

#include "config/ground/error_metrics.hpp"
#include "persistence/store.hpp"

namespace sb {

std::function<void(const caf::error&)> native_failure(const session_deps& deps, std::string id,
                                                      std::string fallback) {
  return [out = deps.out, id = std::move(id),
          fallback = std::move(fallback)](const caf::error& err) {
    auto code = persistence::store_errc(err);
    count_error(code);
    out->send(
        ws::text_frame(native::encode_error(id, code, persistence::client_message(err, fallback))));
  };
}

bool refuse_unless(const session_deps& deps, bool allowed, const std::string& id,
                   std::string_view why) {
  if (allowed) return false;
  count_error(errc::forbidden);
  deps.out->send(ws::text_frame(native::encode_error(id, errc::forbidden, why)));
  return true;
}

}  // namespace sb
