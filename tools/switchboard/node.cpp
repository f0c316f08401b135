#include "tools/switchboard/node.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/all.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "actors/calls/call_recovery.hpp"
#include "actors/calls/matrix_sender.hpp"
#include "actors/chat/conversation.hpp"
#include "actors/cti/dialpad_oauth.hpp"
#include "actors/cti/webhook_stream.hpp"
#include "actors/directory/directory.hpp"
#include "actors/identity/auth_cache.hpp"
#include "actors/identity/authenticator.hpp"
#include "actors/identity/mailer.hpp"
#include "actors/identity/password_hasher.hpp"
#include "actors/identity/token_service.hpp"
#include "actors/node_messages.hpp"
#include "actors/presence/presence.hpp"
#include "actors/ptt/group_relay.hpp"
#include "actors/ptt/recorder.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "api/auth_routes.hpp"
#include "api/call_routes.hpp"
#include "api/chat_routes.hpp"
#include "api/console_admin_routes.hpp"
#include "api/console_auth_routes.hpp"
#include "api/context.hpp"
#include "api/cors.hpp"
#include "api/cti_routes.hpp"
#include "api/internal_routes.hpp"
#include "api/operations.hpp"
#include "api/ptt_routes.hpp"
#include "api/router.hpp"
#include "api/socketio_endpoint.hpp"
#include "api/user_routes.hpp"
#include "api/voiceping_endpoint.hpp"
#include "api/websocket_endpoint.hpp"
#include "config/ground/cpu_budget.hpp"
#include "config/ground/crypto.hpp"
#include "config/ground/log_throttle.hpp"
#include "config/ground/rate_limiter.hpp"
#include "protocols/native/ptt_codec.hpp"
#include "protocols/server.hpp"
#include "protocols/voiceping/ptt_encoder.hpp"
#include "protocols/ws/frame.hpp"
#include "tools/switchboard/bootstrap.hpp"
#include "tools/switchboard/cluster_startup.hpp"
#include "tools/switchboard/database_startup.hpp"

namespace sb {

namespace {

using clock = std::chrono::steady_clock;

// The ids VoicePing clients see (a drop-in router's foreign ids), for the life of the process.
voiceping::wire_ids& voiceping_wire_ids() {
  static voiceping::wire_ids ids;
  return ids;
}

// One encoder per wire protocol, shared by every talk group for the life of the process.
std::array<const ptt::encoder*, kWires> ptt_encoders() {
  static const native::ptt_encoder native_encoder;
  static const voiceping::ptt_encoder voiceping_encoder{&voiceping_wire_ids()};
  return {&native_encoder, &voiceping_encoder};
}

/// Resolves every "0 = one per CPU" setting against the CPUs the process may actually use
/// (its affinity mask and cgroup quota), and says what it chose.
void size_thread_pools(config::node_config& cfg) {
  auto cpus = current_cpu_budget();
  cfg.io_threads = threads_or_cpus(cfg.io_threads, cpus);
  cfg.actors.scheduler_threads = threads_or_cpus(cfg.actors.scheduler_threads, cpus);
  cfg.auth.hasher_threads = threads_or_cpus(cfg.auth.hasher_threads, cpus);
  cfg.ptt.fanout_lanes = threads_or_cpus(cfg.ptt.fanout_lanes, cpus);
  cfg.chat.fanout_lanes = threads_or_cpus(cfg.chat.fanout_lanes, cpus);
  spdlog::info(
      "{}: {} I/O threads, {} scheduler threads, {} password hashers, {} fan-out lanes per big "
      "talk group and per big conversation",
      cpus.describe(), cfg.io_threads, cfg.actors.scheduler_threads, cfg.auth.hasher_threads,
      cfg.ptt.fanout_lanes);
}

void write_port_file(const std::string& path, uint16_t port) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
  }
  std::filesystem::rename(tmp, path);  // readers never see a half-written file
}

template <class Pred>
bool wait_until(clock::time_point deadline, Pred done) {
  while (!done()) {
    if (clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool drain_store(caf::actor_system& sys, const persistence::store_ptr& store,
                 clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  caf::scoped_actor self{sys};
  bool ok = false;
  self->request(store->supervisor(), std::max(left, std::chrono::milliseconds(1)),
                drain_atom::value)
      .receive(
          [&] { ok = true; },
          [&](caf::error& err) { spdlog::warn("store drain incomplete: {}", sys.render(err)); });
  return ok;
}

size_t websockets_open(const std::vector<protocols::server*>& servers) {
  size_t n = 0;
  for (auto* s : servers) n += s->websocket_count();
  return n;
}

// Stop accepting, answer what is in flight, close WebSockets with 1001, drain the store.
void graceful_shutdown(const config::node_config& cfg, caf::actor_system& sys,
                       const std::vector<protocols::server*>& servers,
                       const persistence::store_ptr& store, lifecycle& node) {
  auto deadline = clock::now() + cfg.shutdown_timeout;
  for (auto* s : servers) s->stop_accepting();
  node.draining.store(true);
  drain_store(sys, store, deadline);
  if (!wait_until(deadline, [&] { return node.inflight.load() == 0; })) {
    spdlog::warn("{} requests still unanswered at shutdown", node.inflight.load());
  }
  for (auto* s : servers) s->close_websockets(ws::close_code::going_away, "server shutting down");
  if (!wait_until(deadline, [&] { return websockets_open(servers) == 0; })) {
    spdlog::warn("{} WebSockets did not finish closing; dropping them", websockets_open(servers));
    for (auto* s : servers) s->abort_websockets();
    wait_until(clock::now() + std::chrono::seconds(1),
               [&] { return websockets_open(servers) == 0; });
  }
  drain_store(sys, store, deadline);
}

// Every connection is a file descriptor: use all the hard limit allows.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  spdlog::info("file descriptor limit {}", lim.rlim_cur);
}

void run_io(boost::asio::io_context& ioc) {
  static log_throttle throttle{10};
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      uint64_t suppressed = 0;
      if (throttle.allow(suppressed)) {
        spdlog::error("I/O thread: unhandled exception: {} ({} more not logged)", e.what(),
                      suppressed);
      }
    }
  }
}

}  // namespace

int run_migrate(const config::node_config& cfg) {
  auto target = config::parse_database_url(cfg.database.url);
  try {
    auto report = migrate_with_retry(target, cfg.database);
    spdlog::info("database {} is at schema version {} ({} migrations applied)", target.display,
                 report.to_version, report.applied.size());
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("migration of {} failed: {}", target.display, e.what());
    return 1;
  }
}

int run_node(config::node_config cfg) {
  auto target = config::parse_database_url(cfg.database.url);
  spdlog::info("switchboard {} starting ({} environment, database {})", SB_VERSION, cfg.environment,
               target.display);
  try {
    auto report = migrate_with_retry(target, cfg.database);
    spdlog::info("database schema version {} ({} migrations applied)", report.to_version,
                 report.applied.size());
  } catch (const std::exception& e) {
    spdlog::error("cannot prepare database {}: {}", target.display, e.what());
    return 1;
  }

  raise_fd_limit();
  // Declared first so it is destroyed last: connections held by actors close their sockets
  // while the actor system shuts down.
  size_thread_pools(cfg);
  boost::asio::io_context ioc{static_cast<int>(cfg.io_threads)};
  caf::actor_system_config actor_cfg;
  actor_cfg.set("scheduler.max-threads", cfg.actors.scheduler_threads);
  actor_cfg.set("scheduler.max-throughput", cfg.actors.max_throughput);
  actor_cfg.set("scheduler.policy", cfg.actors.scheduler_policy == "stealing"
                                        ? caf::atom("stealing")
                                        : caf::atom("sharing"));
  add_node_messages(actor_cfg);
  configure_cluster(actor_cfg, cfg.cluster);
  actor_cfg.add_error_category(caf::atom("sb"),
                               [](uint8_t code, caf::atom_value, const caf::message&) {
                                 return std::string(code_string(static_cast<errc>(code)));
                               });
  caf::actor_system sys{actor_cfg};

  auto node = std::make_shared<lifecycle>();
  auto store = persistence::start_store(sys, target, cfg.database);
  if (!wait_until(clock::now() + cfg.database.startup_timeout,
                  [&] { return store->live_workers() == store->workers(); })) {
    spdlog::warn("store workers not connected yet; serving degraded");
  }
  // The one way every part of the node asks the store.
  persistence::store_client store_client{store, cfg.database.request_timeout};
  auto voiceping = std::make_shared<voiceping_naming>();
  voiceping->ids = &voiceping_wire_ids();
  try {
    bootstrap_admin(sys, store_client, cfg);
    plant_test_seed(sys, store_client, cfg);
    voiceping->dropin = open_voiceping_dropin(sys, store_client, cfg, *voiceping->ids);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    caf::anon_send_exit(store->supervisor(), caf::exit_reason::user_shutdown);
    return 1;
  }
  auto recorder = sys.spawn<caf::detached>(
      recorder_impl, recorder_deps{cfg.ptt.recordings_dir, cfg.ptt.retention_days,
                                   cfg.ptt.recording_quota_bytes, store_client});
  // The conversation actors (and talk groups, through them) reach the directory, which is
  // spawned with their activator: the handle is filled in once it exists (an activator runs
  // only after that).
  auto chat = std::make_shared<chat_deps>(
      chat_deps{store_client, directory_actor{}, cfg.chat, cfg.database.request_timeout});
  group_deps groups{store_client, recorder, cfg.ptt, ptt_encoders(), chat};
  // On a cluster member, a talk group owned by another member is reached through a relay, and
  // an app's webhook events are processed by the holder of its lease; the membership actor
  // (which finds owners and reaches the other members) exists only once the directory does.
  auto view = make_cluster_view(cfg.cluster);
  auto members = std::make_shared<membership_actor>();
  auto streams = std::make_shared<webhook_stream_deps>(webhook_stream_deps{store_client, cfg.cti});
  if (view) {
    streams->cluster = stream_cluster{
        view->self().incarnation, cfg.cluster.timeout,
        [view](const std::string& id) { return owns(view->members(), view->self(), id); },
        [members](const caf::message& m) {
          if (*members) caf::anon_send(*members, broadcast_atom::value, m);
        }};
  }
  std::map<std::string, activator> activators{
      {"chat",
       [chat](caf::actor_system& s, const std::string& id) {
         return caf::actor_cast<caf::actor>(
             s.spawn(conversation_impl, *chat, id.substr(id.find(':') + 1)));
       }},
      {"presence",
       [chat](caf::actor_system& s, const std::string& id) {
         return caf::actor_cast<caf::actor>(
             s.spawn(presence_impl, *chat, id.substr(id.find(':') + 1)));
       }},
      {"group",
       [groups](caf::actor_system& s, const std::string& id) {
         return caf::actor_cast<caf::actor>(
             s.spawn(talk_group_impl, groups, id.substr(id.find(':') + 1)));
       }},
      {"webhooks", [streams](caf::actor_system& s, const std::string& id) {
         return caf::actor_cast<caf::actor>(
             s.spawn(webhook_stream_impl, *streams, id.substr(id.find(':') + 1)));
       }}};
  auto relays = std::make_shared<relay_deps>(relay_deps{
      owner_finder{}, "", cfg.ptt, cfg.database.request_timeout, cfg.cluster.timeout * 2});
  directory_placement placement;
  if (view) {
    placement.here = [view](const std::string& id) {
      return owns(view->members(), view->self(), id);
    };
    placement.relays = {{"group", [relays](caf::actor_system& s, const std::string& id) {
                           return caf::actor_cast<caf::actor>(
                               s.spawn(group_relay_impl, *relays, id.substr(id.find(':') + 1)));
                         }}};
  }
  auto directory = sys.spawn(directory_impl, activators, std::move(placement));
  chat->directory = directory;
  resume_webhook_streams(sys, store_client, directory);

  caf::actor matrix;
  if (!cfg.calls.matrix_homeserver_url.empty() && !cfg.calls.matrix_bot_token.empty()) {
    matrix = sys.spawn<caf::detached>(matrix_sender_actor, store_client, cfg.calls);
  }
  auth_cache cache;
  std::string jwt_secret = cfg.auth.jwt_secret;
  if (jwt_secret.empty()) {
    jwt_secret = crypto::random_hex(32);
    spdlog::warn(
        "JWT_SECRET is not set: access tokens are signed with a random key and stop "
        "working when the node restarts");
  }
  if (cfg.auth.internal_api_secret.empty()) {
    spdlog::warn("INTERNAL_API_SECRET is not set: /internal refuses every request");
  }
  // A member's news for this node: cached identity facts to drop, or a message for the
  // directory (a kick, a membership change).
  auto deliver = [&cache, directory](const caf::message& m) {
    if (m.size() == 3 && m.match_element<forget_atom>(0) && m.match_element<std::string>(1) &&
        m.match_element<std::string>(2)) {
      const auto& kind = m.get_as<std::string>(1);
      const auto& id = m.get_as<std::string>(2);
      if (kind == "user") cache.forget_user(id);
      if (kind == "app") cache.forget_app(id);
      if (kind == "tenant") cache.forget_tenant(id);
      if (kind == "all") cache.forget_all();
      return;
    }
    caf::anon_send(caf::actor_cast<caf::actor>(directory), m);
  };
  std::optional<cluster_node> cluster;
  try {
    if (view) {
      cluster = join_cluster(sys, cfg, view, directory, deliver, [&sys, store_client, directory] {
        resume_webhook_streams(sys, store_client, directory);
      });
      *members = cluster->membership;
      relays->finder = caf::actor_cast<owner_finder>(cluster->membership);
      relays->member = view->self().name;
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    caf::anon_send_exit(store->supervisor(), caf::exit_reason::user_shutdown);
    return 1;
  }
  // Only now is a cluster member's name known (it may be made of the port).
  recover_calls(sys, store_client, directory, cluster ? view->self().name : std::string{});
  if (cluster && !cfg.cluster.port_file.empty()) {
    write_port_file(cfg.cluster.port_file, cluster->view->self().port);
  }
  token_service tokens{jwt_secret, cfg.auth.access_token_ttl_s};
  authenticator auth{sys, store_client, cache, tokens, cfg.auth.internal_api_secret};
  password_hasher hasher{
      sys,
      {cfg.auth.password_hash_ops, size_t{cfg.auth.password_hash_memory_kib} * 1024},
      cfg.auth.hasher_threads,
      cfg.auth.hasher_max_queue};
  matrix_auth matrix_users{sys, store_client, cfg.calls};
  rate_limiter limiter;
  auto secrets = std::make_shared<const crypto::secret_box>(
      cfg.cti.secrets_key.empty() ? "sb-secrets:" + jwt_secret : cfg.cti.secrets_key);
  if (cfg.smtp.host.empty()) {
    spdlog::warn(
        "SMTP_HOST is not set: mail waits in the outbox until an SMTP server is set "
        "(SMTP_* or /api/admin/settings)");
  }
  caf::actor mailer = sys.spawn<caf::detached>(mailer_actor, store_client, cfg.smtp, secrets);
  // As the VoicePing router: ROUTER_JWT_SECRET, else SECRET_KEY; then our own JWT secret.
  auto router_secret = !cfg.ptt.router_jwt_secret.empty() ? cfg.ptt.router_jwt_secret
                       : !cfg.ptt.secret_key.empty()      ? cfg.ptt.secret_key
                                                          : jwt_secret;
  api::context ctx{
      sys,
      cfg,
      store_client,
      directory,
      node,
      auth,
      hasher,
      limiter,
      mailer,
      recorder,
      router_secret,
      ptt_encoders(),
      std::make_shared<stream_stats_board>(),
      secrets,
      std::make_shared<const call_deps>(
          call_deps{store_client, directory, cfg.calls, cfg.database.request_timeout, matrix,
                    cluster ? caf::actor_cast<entity_finder>(cluster->membership) : entity_finder{},
                    cluster ? view->self().name : std::string{}}),
      chat,
      voiceping,
      &matrix_users,
      cluster ? cluster->view : nullptr,
      cluster ? cluster->membership : membership_actor{}};
  auto stream_stats =
      sys.spawn(stream_stats_actor, store_client, ctx.webhook_stats, cfg.cti.stats_interval);
  api::router router;
  api::add_operations_routes(router, ctx);
  api::add_auth_routes(router, ctx);
  api::add_console_auth_routes(router, ctx);
  api::add_console_admin_routes(router, ctx);
  api::add_user_routes(router, ctx);
  api::add_tenant_routes(router, ctx);
  api::add_audit_routes(router, ctx);
  api::add_invite_routes(router, ctx);
  api::add_internal_routes(router, ctx);
  api::add_ptt_routes(router, ctx);
  api::add_ptt_live_routes(router, ctx);
  api::add_call_routes(router, ctx);
  api::add_chat_routes(router, ctx);
  api::add_cti_webhook_routes(router, ctx);
  api::add_cti_call_routes(router, ctx);
  api::add_cti_internal_routes(router, ctx);
  api::add_cti_oauth_routes(router, ctx);
  caf::actor refresher;
  if (!cfg.cti.dialpad_client_id.empty()) {
    if (cfg.cti.secrets_key.empty()) {
      spdlog::warn(
          "SECRETS_KEY is not set: Dialpad tokens are sealed with a key derived from "
          "JWT_SECRET (changing either makes stored tokens unreadable)");
    }
    refresher =
        sys.spawn<caf::detached>(dialpad::refresher_actor, store_client, cfg.cti, ctx.secrets);
  }
  api::cors_policy cors(cfg.http.cors_origins);
  api::socketio_gateway socket_io(ctx, ioc);
  protocols::server server{
      ioc, cfg.http, cfg.ws,
      protocols::server_handlers{[&](http::request req, http::responder respond) {
                                   if (auto preflight = cors.preflight(req))
                                     return respond(std::move(*preflight));
                                   respond = cors.wrap(req, std::move(respond));
                                   if (socket_io.handles(req.path))
                                     return socket_io.on_request(req, std::move(respond));
                                   router.dispatch(std::move(req), std::move(respond));
                                 },
                                 [&](http::request req, protocols::upgrade_responder respond) {
                                   if (socket_io.handles(req.path))
                                     return socket_io.on_upgrade(req, std::move(respond));
                                   api::handle_upgrade(ctx, std::move(req), std::move(respond));
                                 }}};

  protocols::server voiceping_server{
      ioc, cfg.http, cfg.ws,
      protocols::server_handlers{
          [&](http::request req, http::responder respond) {
            api::handle_voiceping_request(ctx, std::move(req), std::move(respond));
          },
          [&](http::request req, protocols::upgrade_responder respond) {
            api::handle_voiceping_upgrade(ctx, std::move(req), std::move(respond));
          }}};
  std::vector<protocols::server*> servers{&server};

  auto stop_actors = [&] {
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    if (mailer) caf::anon_send_exit(mailer, caf::exit_reason::user_shutdown);
    if (matrix) caf::anon_send_exit(matrix, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(recorder, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(stream_stats, caf::exit_reason::user_shutdown);
    if (refresher) caf::anon_send_exit(refresher, caf::exit_reason::user_shutdown);
    hasher.stop();
    caf::anon_send_exit(store->supervisor(), caf::exit_reason::user_shutdown);
  };
  uint16_t voiceping_port = 0;
  try {
    if (cfg.ptt.voiceping_enabled) {
      voiceping_port = voiceping_server.listen(cfg.host, cfg.ptt.voiceping_port);
      ctx.voiceping_port = voiceping_port;
      servers.push_back(&voiceping_server);
      if (!cfg.ptt.voiceping_port_file.empty()) {
        write_port_file(cfg.ptt.voiceping_port_file, voiceping_port);
      }
    }
    // Last: a port file that exists means every listener is up.
    ctx.port = server.listen(cfg.host, cfg.port);
    if (!cfg.port_file.empty()) write_port_file(cfg.port_file, ctx.port);
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}: {} (set PORT, or VOICEPING_PORT / VOICEPING_ENABLED)",
                  cfg.host, e.what());
    stop_actors();
    return 1;
  }

  std::promise<int> stop;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) stop.set_value(sig);
  });
  auto work = boost::asio::make_work_guard(ioc);
  std::vector<std::thread> io_threads;
  for (unsigned i = 0; i < cfg.io_threads; ++i) {
    io_threads.emplace_back([&] { run_io(ioc); });
  }
  spdlog::info("listening on {}:{}", cfg.host, ctx.port.load());
  if (voiceping_port) spdlog::info("VoicePing listener on {}:{}", cfg.host, voiceping_port);

  int sig = stop.get_future().get();
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  graceful_shutdown(cfg, sys, servers, store, *node);
  work.reset();
  ioc.stop();
  for (auto& t : io_threads) t.join();
  stop_actors();
  // Before ctx and router go out of scope: short-lived request actors refer to them.
  sys.await_all_actors_done();
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace sb
