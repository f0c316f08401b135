#include "api/websocket_endpoint.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/session/session_actor.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/native/adapter.hpp"

namespace sb::api {

void handle_upgrade(context& ctx, http::request req, protocols::upgrade_responder respond) {
  if (req.path != "/ws") {
    return respond(
        http::problem(errc::not_found, "no WebSocket endpoint at " + req.path, req.path));
  }
  if (ctx.node->draining.load()) {
    return respond(http::problem(errc::shutting_down, "the server is shutting down", req.path));
  }
  protocols::ws_accept accept;
  accept.attach = [&ctx](ws::outbound_ptr out) -> ws::handler_ptr {
    session_deps deps{out,
                      ctx.store,
                      ctx.directory,
                      ctx.node,
                      ctx.cfg.ws.max_inflight,
                      ctx.cfg.database.request_timeout};
    auto session = ctx.sys.spawn(session_actor, std::move(deps));
    return std::make_shared<native::adapter>(std::move(session), std::move(out),
                                             ctx.cfg.ws.max_message_bytes);
  };
  respond(std::move(accept));
}

}  // namespace sb::api
