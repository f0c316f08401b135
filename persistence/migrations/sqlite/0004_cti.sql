-- CTI (the Dialpad bridge of seeds 001/002): webhook deliveries as received, the calls they
-- build, voicemails, Dialpad-to-CRM user mappings, and the per-app event log that live
-- clients read from (seq = the app's own sequence number, for ?since= catch-up).
CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id TEXT NOT NULL REFERENCES apps (id),
  tenant_id TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  call_id BIGINT,
  state TEXT,
  event_timestamp_ms BIGINT,
  signing TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at_us BIGINT NOT NULL,
  received_at_us BIGINT NOT NULL,
  processed_at_us BIGINT
);
CREATE UNIQUE INDEX webhook_events_dedupe ON webhook_events (app_id, dedupe_key);
CREATE INDEX webhook_events_queue ON webhook_events (app_id, status, id);
CREATE INDEX webhook_events_status ON webhook_events (status);

CREATE TABLE cti_calls (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id),
  tenant_id TEXT NOT NULL,
  dialpad_call_id BIGINT NOT NULL,
  direction TEXT,
  from_number TEXT,
  to_number TEXT,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  phase INTEGER NOT NULL,
  state_timestamp_ms BIGINT,
  dialpad_user_id BIGINT,
  started_at_ms BIGINT,
  connected_at_ms BIGINT,
  ended_at_ms BIGINT,
  duration_ms BIGINT,
  recording_url TEXT,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX cti_calls_dialpad ON cti_calls (app_id, dialpad_call_id);
CREATE INDEX cti_calls_app_started ON cti_calls (app_id, started_at_ms);
CREATE INDEX cti_calls_app_status ON cti_calls (app_id, status);

CREATE TABLE cti_call_states (
  call_id TEXT NOT NULL REFERENCES cti_calls (id) ON DELETE CASCADE,
  webhook_event_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  event_timestamp_ms BIGINT,
  applied INTEGER NOT NULL,
  recorded_at_us BIGINT NOT NULL,
  PRIMARY KEY (call_id, webhook_event_id)
);

CREATE TABLE voicemails (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id),
  tenant_id TEXT NOT NULL,
  dialpad_call_id BIGINT,
  dialpad_user_id BIGINT,
  from_number TEXT,
  to_number TEXT,
  recording_url TEXT,
  transcript TEXT,
  duration_seconds INTEGER,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX voicemails_call ON voicemails (app_id, dialpad_call_id);
CREATE INDEX voicemails_app_created ON voicemails (app_id, created_at_us);
CREATE INDEX voicemails_user ON voicemails (app_id, dialpad_user_id);

CREATE TABLE dialpad_user_mappings (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id),
  tenant_id TEXT NOT NULL,
  dialpad_user_id BIGINT NOT NULL,
  crm_user_id TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX dialpad_user_mappings_dialpad ON dialpad_user_mappings (app_id, dialpad_user_id);
CREATE INDEX dialpad_user_mappings_crm ON dialpad_user_mappings (app_id, crm_user_id);

CREATE TABLE cti_app_events (
  app_id TEXT NOT NULL REFERENCES apps (id),
  seq BIGINT NOT NULL,
  event TEXT NOT NULL,
  crm_user_id TEXT,
  body TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (app_id, seq)
);
