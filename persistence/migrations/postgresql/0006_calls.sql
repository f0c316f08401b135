-- Calls (WebRTC signaling and the softphone): one row per call, its participants, an audit
-- trail of every transition and signaling action, each user's call history, and the outbox of
-- Matrix m.call.* events. Every row carries its tenant.
CREATE TABLE call_sessions (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL REFERENCES tenants (id),
  initiator_id UUID NOT NULL,
  media TEXT NOT NULL,
  room_id TEXT,
  state TEXT NOT NULL,
  end_reason TEXT,
  created_at_us BIGINT NOT NULL,
  answered_at_us BIGINT,
  ended_at_us BIGINT
);
CREATE INDEX call_sessions_live ON call_sessions (state) WHERE ended_at_us IS NULL;

CREATE TABLE call_participants (
  call_id UUID NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
  user_id UUID NOT NULL,
  tenant_id UUID NOT NULL,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  display_name TEXT NOT NULL,
  extension TEXT,
  audio INTEGER NOT NULL DEFAULT 1,
  video INTEGER NOT NULL DEFAULT 0,
  invited_at_us BIGINT NOT NULL,
  joined_at_us BIGINT,
  left_at_us BIGINT,
  PRIMARY KEY (call_id, user_id)
);
CREATE INDEX call_participants_user ON call_participants (user_id, status);

CREATE TABLE call_events (
  id BIGSERIAL PRIMARY KEY,
  call_id UUID NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
  tenant_id UUID NOT NULL,
  user_id UUID,
  type TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  at_us BIGINT NOT NULL
);
CREATE INDEX call_events_call ON call_events (call_id, id);

CREATE TABLE call_history (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL,
  user_id UUID NOT NULL,
  call_id UUID NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
  contact_user_id UUID,
  contact_name TEXT NOT NULL,
  contact_extension TEXT,
  direction TEXT NOT NULL,
  started_at_us BIGINT NOT NULL,
  duration_s BIGINT,
  answered INTEGER NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX call_history_user ON call_history (tenant_id, user_id, started_at_us DESC);

CREATE TABLE matrix_outbox (
  id BIGSERIAL PRIMARY KEY,
  tenant_id UUID NOT NULL,
  call_id UUID NOT NULL,
  room_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  content TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_us BIGINT NOT NULL,
  sent_at_us BIGINT,
  matrix_event_id TEXT,
  last_error TEXT,
  created_at_us BIGINT NOT NULL
);
CREATE INDEX matrix_outbox_due ON matrix_outbox (next_attempt_at_us) WHERE sent_at_us IS NULL;
