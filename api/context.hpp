#pragma once

#include "actors/directory/directory.hpp"
#include "actors/ptt/recorder_actor.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#include "actors/calls/call_actor.hpp"
#include "actors/chat/conversation.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/cti/stream_stats.hpp"
#include "actors/identity/authenticator.hpp"
#include "actors/identity/matrix_auth.hpp"
#include "actors/identity/password_hasher.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/session/voiceping_naming.hpp"
#include "config/ground/connection_quota.hpp"
#include "config/ground/crypto.hpp"
#include "config/ground/lifecycle.hpp"
#include "config/ground/rate_limiter.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb::api {

/// What endpoint handlers reach the node through. Handlers ask actors; they never touch the
/// database themselves.
struct context {
  caf::actor_system& sys;
  const config::node_config& cfg;
  persistence::store_client store;
  directory_actor directory;
  std::shared_ptr<lifecycle> node;
  authenticator& auth;
  password_hasher& hasher;
  rate_limiter& limiter;
  caf::actor mailer;                                   ///< nudged after mail is queued
  recorder_actor recorder;                             ///< talk-burst recordings
  std::string router_secret;                           ///< signs router tokens (ROUTER_JWT_SECRET)
  std::array<const ptt::encoder*, kWires> encoders{};  ///< talk events, by wire protocol
  std::shared_ptr<stream_stats_board> webhook_stats;   ///< sampled backlogs, for /health
  std::shared_ptr<const crypto::secret_box> secrets;   ///< seals tokens kept at rest
  std::shared_ptr<const call_deps> calls;              ///< what call actors are made with
  std::shared_ptr<const chat_deps> chat;               ///< what conversation actors are made with
  std::shared_ptr<const voiceping_naming> voiceping;   ///< VoicePing ids, the drop-in mode
  matrix_auth* matrix = nullptr;                       ///< Matrix access tokens (calls)
  std::shared_ptr<const cluster_view> cluster;         ///< the members; null: a single node
  membership_actor membership;                         ///< news for the other members, or null
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<uint16_t> port{0};            ///< the bound port, known once listening
  std::atomic<uint16_t> voiceping_port{0};  ///< the VoicePing listener's, when it runs
  connection_quota connections{};  ///< open WebSockets per principal (ws.max_connections_per_*)
};

}  // namespace sb::api
