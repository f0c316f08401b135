#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sb::config {

using std::chrono::milliseconds;

/// Limits of the HTTP/1.1 server (see docs/operations.md for the keys).
struct http_config {
  uint64_t body_limit = 1024 * 1024;            ///< bytes of request body; larger → 413
  uint64_t header_limit = 8 * 1024;             ///< bytes of request line + headers; larger → 431
  milliseconds request_timeout{30'000};         ///< time to receive one whole request
  milliseconds linger{2'000};                   ///< reading (and dropping) after the last answer
  uint32_t max_connections_per_address = 1000;  ///< open TCP connections of one address; 0 = any
  std::string cors_origins;  ///< origins allowed by CORS, comma-separated; "*" any; "" none
  std::string trust_proxy;   ///< whose X-Forwarded-For/-Proto are believed (proxy_trust)
};

/// Limits and timers of WebSocket connections.
struct ws_config {
  uint64_t max_message_bytes = 64 * 1024;       ///< larger inbound messages get frame_too_large
  uint64_t outbound_queue_bytes = 1024 * 1024;  ///< hard budget; above it the client is closed
  uint64_t droppable_queue_bytes = 256 * 1024;  ///< above it, droppable frames (audio) are dropped
  milliseconds ping_interval{30'000};           ///< server ping period
  milliseconds idle_timeout{75'000};            ///< close after this long without any frame
  milliseconds close_timeout{5'000};            ///< wait for the peer's close before dropping TCP
  uint32_t max_inflight = 256;                  ///< requests a session may have unanswered
  uint32_t control_frames_per_min = 600;        ///< pings + pongs from a client; over → 1008
  uint32_t max_connections_per_user = 32;       ///< open WebSockets of one user (both listeners)
  uint32_t max_connections_per_app = 2000;      ///< open WebSockets of one app's API keys
};

/// The database and its store actors.
struct database_config {
  std::string url = "sqlite:switchboard.db";
  uint32_t workers = 0;  ///< store workers; 0 = 1 on SQLite, 2 on PostgreSQL
  uint32_t max_batch = 512;
  milliseconds request_timeout{5'000};
  uint32_t connect_timeout_s = 3;
  milliseconds backoff_initial{100};
  milliseconds backoff_max{5'000};
  milliseconds ping_interval{5'000};
  milliseconds startup_timeout{60'000};
  std::string sqlite_synchronous = "full";
};

struct actors_config {
  uint32_t scheduler_threads = 0;  ///< 0 = one per usable CPU
  uint32_t max_throughput = 100;   ///< messages an actor handles before yielding its thread
  /// "sharing" or "stealing"; see docs/architecture.md (Threads) for why sharing is the default.
  std::string scheduler_policy = "sharing";
};

/// Authentication and tokens.
struct auth_config {
  std::string jwt_secret;  ///< HS256 key of access tokens; empty = random per process
  uint32_t access_token_ttl_s = 900;
  uint32_t refresh_token_ttl_s = 30 * 24 * 3600;
  std::string internal_api_secret;     ///< bearer secret of /internal; empty = /internal disabled
  std::string cookie_secure = "auto";  ///< auto (= production), true, false
  uint32_t password_hash_ops = 2;      ///< argon2id passes
  uint32_t password_hash_memory_kib = 65536;  ///< argon2id memory
  uint32_t hasher_threads = 0;                ///< 0 = one per usable CPU
  uint32_t hasher_max_queue = 64;             ///< hashes waiting or running; more → 503
  uint32_t reset_token_ttl_s = 1800;
  uint32_t email_change_ttl_s = 86400;  ///< links confirming a new e-mail address
  uint32_t invite_ttl_s = 7 * 24 * 3600;
  std::string bootstrap_admin_email;
  std::string bootstrap_admin_password;
  bool bootstrap_admin_must_change = true;  ///< the bootstrap admin changes the password first
  std::string bootstrap_tenant_name = "Default";
  std::string web_base_url = "http://localhost:8080";
};

/// Outgoing mail.
struct smtp_config {
  std::string host;  ///< empty = mail is kept in the outbox, not sent
  uint16_t port = 587;
  std::string user;
  std::string password;
  std::string from = "no-reply@switchboard.local";
  std::string tls = "auto";  ///< auto (STARTTLS when offered), required, implicit, none
  milliseconds timeout{10'000};
  uint32_t max_attempts = 8;
};

/// Requests per minute per principal (or per IP when anonymous), by route class.
struct rate_limit_config {
  bool enabled = true;
  uint32_t webhooks = 1000;
  uint32_t calls_api = 300;
  uint32_t internal_api = 100;
  uint32_t login = 10;                ///< per account, whatever the address
  uint32_t login_per_address = 30;    ///< per client address, whatever the account
  uint32_t auth_failures = 60;        ///< failed credentials per client address, everywhere
  uint32_t api = 600;                 ///< everything else under /api
  uint32_t ws_messages = 6000;        ///< per connection
  uint32_t ws_user_messages = 12000;  ///< per user or app, all its connections together
};

/// Push-to-talk: floor timers (the VoicePing seed's names), recordings, the VoicePing listener.
struct ptt_config {
  milliseconds max_idle{3'000};       ///< a silent holder's floor may be taken over after this
  milliseconds max_audio{90'000};     ///< longest talk burst; then the floor is released
  milliseconds busy_timeout{95'000};  ///< a floor held this long without STOP is released
  milliseconds group_idle{60'000};    ///< a talk group with nobody online passivates after this
  std::string recordings_dir = "recordings";
  uint32_t retention_days = 30;  ///< 0 = keep recordings forever
  std::string
      router_jwt_secret;   ///< router tokens; empty = secret_key, then the access-token secret
  std::string secret_key;  ///< SECRET_KEY (the VoicePing control plane's secret)
  bool voiceping_enabled = true;    ///< the VoicePing-compatible listener
  uint16_t voiceping_port = 3000;   ///< 0 = any free port
  std::string voiceping_port_file;  ///< if set, the bound VoicePing port is written here
  bool legacy_join = false;         ///< VoicePing: a token that is not a JWT is the user id
  /// VoicePing drop-in router mode: tokens of a foreign issuer provision users and channels in
  /// this tenant (by name; created when missing); "" = off.
  std::string dropin_tenant;
  std::string dropin_event = "VoicePing";  ///< the drop-in tenant's event (created when missing)
  /// The control plane's test seed (TEST_SEED_*): an event, team and TEAM channel by these
  /// names, planted at start in the bootstrap tenant and by /api/admin/test-seed.
  bool test_seed_enabled = false;
  std::string test_seed_event = "VoicePing Test Event";
  std::string test_seed_team = "Test Team";
  std::string test_seed_channel = "Test Channel";
  uint32_t fanout_lane_listeners = 256;  ///< groups this big write through lanes; 0 = never
  milliseconds max_audio_lag{500};       ///< older audio is dropped, not delivered; 0 = never
  uint32_t fanout_lanes = 0;             ///< lanes per big group; 0 = one per usable CPU
  // What one talker may send; the defaults are far above what an Opus voice client sends
  // (16–64 kbit/s in 20–60 ms frames of a few hundred bytes).
  uint64_t max_audio_frame_bytes = 4096;         ///< one audio frame
  uint64_t max_audio_bytes_per_s = 16384;        ///< sustained (twice that in a burst of jitter)
  uint64_t max_burst_bytes = 2 * 1024 * 1024;    ///< one talk burst, and so one recording
  uint64_t recording_quota_bytes = 10ull << 30;  ///< recordings kept per tenant; 0 = no quota
};

struct cti_config {
  std::string webhook_app_id;            ///< the app of POST /webhooks/dialpad (without :app_id)
  std::string webhook_secret;            ///< the secret of apps that have none of their own
  bool allow_unsigned_webhooks = false;  ///< development: an app with no secret takes unsigned
  uint32_t webhook_max_bytes = 65536;    ///< a larger webhook body is refused with 413
  uint32_t max_attempts = 5;             ///< processing attempts before an event is dead
  milliseconds retry_base{2'000};        ///< first retry delay; doubles per attempt
  milliseconds retry_max{300'000};       ///< longest retry delay
  uint32_t batch = 100;                  ///< events a stream claims from the store at once
  uint32_t ingest_batch = 500;           ///< most deliveries committed in one statement
  uint32_t replay_limit = 10'000;        ///< most events a ?since= catch-up replays
  milliseconds stats_interval{5'000};    ///< how often stream backlogs are sampled (/metrics)
  // Dialpad OAuth 2.0 (the connect flow); empty client id = not configured.
  std::string dialpad_base_url = "https://dialpad.com";  ///< or https://sandbox.dialpad.com
  std::string dialpad_client_id;
  std::string dialpad_client_secret;
  std::string dialpad_redirect_uri;  ///< https://<host>/auth/dialpad/callback
  std::string dialpad_scopes = "calls:list recordings_export offline_access";
  std::string secrets_key;  ///< seals tokens at rest; empty = derived from JWT_SECRET
  milliseconds oauth_refresh_before{300'000};   ///< refresh tokens this long before expiry
  milliseconds oauth_refresh_interval{60'000};  ///< how often expiring tokens are looked for
  milliseconds oauth_timeout{10'000};           ///< a call to Dialpad's token endpoint
};

/// The Socket.IO gateway on /socket.io/ (Engine.IO v4; the Node server's option in brackets).
struct socketio_config {
  milliseconds ping_interval{25'000};         ///< [pingInterval]
  milliseconds ping_timeout{20'000};          ///< [pingTimeout]
  milliseconds connect_timeout{45'000};       ///< [connectTimeout] to join a namespace
  uint64_t max_http_buffer_size = 1'000'000;  ///< [maxHttpBufferSize] one POST or message
  uint64_t max_buffered_bytes = 1024 * 1024;  ///< queued for a poll; over → the session closes
  uint32_t max_sessions = 100'000;            ///< open Engine.IO sessions; over → 503
};

/// Chat: conversations, their logs and live delivery.
struct chat_config {
  uint32_t max_message_bytes = 16 * 1024;       ///< longest message content
  uint32_t history_limit = 100;                 ///< most messages in one history page
  milliseconds idle{60'000};                    ///< a conversation actor without traffic quits
  milliseconds typing_expiry{5'000};            ///< typing without a refresh stops after this
  milliseconds typing_interval{1'000};          ///< at most one typing event per user and this
  milliseconds presence_grace{5'000};           ///< offline only this long after the last session
  uint32_t presence_watch_limit = 200;          ///< users whose presence one session follows
  uint32_t resume_limit = 500;                  ///< changes one resume replays per conversation
  uint32_t resume_conversations = 100;          ///< conversations one resume may name
  std::string attachments_dir = "attachments";  ///< where uploaded files are kept
  uint64_t max_attachment_bytes = 1024 * 1024;  ///< largest upload (http.body_limit applies too)
  uint32_t max_message_attachments = 10;        ///< files one message may carry
  uint32_t fanout_lane_connections =
      256;                    ///< conversations this big write through lanes; 0 = never
  uint32_t fanout_lanes = 0;  ///< lanes per big conversation; 0 = one per usable CPU
};

/// Calls (WebRTC signaling, softphone), ICE servers and Matrix call events.
struct calls_config {
  milliseconds ring_timeout{30'000};     ///< an unanswered callee is missed after this
  milliseconds reconnect_grace{15'000};  ///< a party whose device dropped may come back this long
  uint32_t max_participants = 8;         ///< caller included; group calls are a full mesh
  uint32_t max_sdp_bytes = 32'768;       ///< larger SDP offers/answers are refused
  uint32_t max_candidate_bytes = 2'048;  ///< larger ICE candidates are refused
  /// Comma-separated STUN URLs handed out by GET /api/calls/ice-servers.
  std::string stun_urls =
      "stun:stun.l.google.com:19302,stun:stun1.l.google.com:19302,stun:stun2.l.google.com:19302";
  std::string turn_urls;        ///< comma-separated turn:/turns: URLs; empty = no TURN
  std::string turn_username;    ///< static TURN credentials (when turn_secret is empty)
  std::string turn_credential;  ///< static TURN password
  std::string turn_secret;      ///< coturn use-auth-secret: time-limited credentials
  uint32_t turn_ttl_s = 3'600;  ///< lifetime of time-limited TURN credentials
  // Matrix: m.call.* events to the call's room, through a bot account.
  std::string matrix_homeserver_url;      ///< empty = no Matrix events
  std::string matrix_bot_token;           ///< the bot's access token
  milliseconds matrix_retry_base{1'000};  ///< first retry delay of an undelivered event
  milliseconds matrix_retry_max{60'000};  ///< longest retry delay
  milliseconds matrix_timeout{10'000};    ///< one request to the homeserver
  // Matrix users on the call endpoints (seed 003): their access tokens, checked with the
  // homeserver's whoami.
  bool matrix_auth = false;                     ///< accept Matrix access tokens
  milliseconds matrix_auth_cache_ttl{300'000};  ///< how long a checked token is trusted
  std::string matrix_users_tenant;  ///< unknown Matrix users are provisioned here; "" = refused
  uint32_t matrix_auth_max_pending = 32;  ///< homeserver checks in flight at once; more: 503
};

struct log_config {
  std::string level = "info";
  bool json = false;
};

/// Clustering: nodes over CAF's middleman, one PostgreSQL database (docs/operations.md,
/// "Running a cluster").
struct cluster_config {
  bool enabled = false;
  std::string node_name;           ///< unique in the cluster; "" = the host name and port
  std::string bind = "127.0.0.1";  ///< the address the cluster port listens on
  uint16_t port = 7400;            ///< 0 = any free port
  std::string port_file;           ///< if set, the bound cluster port is written here
  std::string advertise_host;      ///< how peers reach this node; "" = the bind address
  std::string seeds;               ///< comma-separated host:port of nodes to join through
  std::string secret;              ///< shared by every node; foreign clusters are refused
  milliseconds heartbeat{500};     ///< how often each node tells every peer it is alive
  milliseconds timeout{3'000};     ///< a peer silent this long is dead
};

/// Everything a node is configured with. Loaded by `config::load` from defaults, a TOML file,
/// environment variables and flags, in that order of precedence.
struct node_config {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;
  std::string port_file;    ///< if set, the bound port is written here once listening
  uint32_t io_threads = 0;  ///< 0 = one per usable CPU
  std::string environment = "development";
  milliseconds shutdown_timeout{10'000};
  http_config http;
  ws_config ws;
  database_config database;
  actors_config actors;
  log_config log;
  auth_config auth;
  smtp_config smtp;
  rate_limit_config rate_limit;
  ptt_config ptt;
  cti_config cti;
  calls_config calls;
  chat_config chat;
  socketio_config socketio;
  cluster_config cluster;
};

}  // namespace sb::config
