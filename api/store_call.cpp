#include "api/store_call.hpp"

#include "protocols/http/problem.hpp"

namespace sb::api {

http::response store_problem(const context& ctx, const persistence::store_failure& f,
                             std::string_view instance) {
  auto code = f.code;
  auto message = f.message;
  if (message.empty()) {
    switch (code) {
      case errc::db_unavailable:
        message = "the database is unavailable; retry later";
        break;
      case errc::timeout:
        message = "the database did not answer in time";
        break;
      case errc::conflict:
        message = "the change conflicts with existing data";
        break;
      case errc::storage_full:
        message = persistence::kStorageFullText;
        break;
      default:
        message = "the request could not be completed";
        break;
    }
  }
  auto r = http::problem(code, message, instance);
  if (code == errc::db_unavailable) {
    r.set_header("Retry-After", std::to_string(ctx.store.backend()->retry_after().count()));
  }
  return r;
}

}  // namespace sb::api
