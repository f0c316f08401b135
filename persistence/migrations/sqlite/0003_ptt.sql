-- Push-to-talk control plane (the VoicePing seed's Events, Teams, Channels, Memberships,
-- Invites) and the talk-group message log. Every row carries its tenant.
CREATE TABLE ptt_events (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  requires_approval INTEGER NOT NULL DEFAULT 0,
  limits TEXT NOT NULL DEFAULT '{}',
  created_by TEXT,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE INDEX ptt_events_tenant ON ptt_events (tenant_id);

CREATE TABLE ptt_teams (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL REFERENCES ptt_events (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE INDEX ptt_teams_event ON ptt_teams (event_id);

CREATE TABLE ptt_channels (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL REFERENCES ptt_events (id) ON DELETE CASCADE,
  team_id TEXT REFERENCES ptt_teams (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE INDEX ptt_channels_event ON ptt_channels (event_id);

CREATE TABLE ptt_event_members (
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL REFERENCES ptt_events (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  approved_by TEXT,
  assigned_by TEXT,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  PRIMARY KEY (event_id, user_id)
);
CREATE INDEX ptt_event_members_user ON ptt_event_members (user_id);

CREATE TABLE ptt_team_members (
  tenant_id TEXT NOT NULL,
  team_id TEXT NOT NULL REFERENCES ptt_teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  status TEXT NOT NULL,
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE ptt_channel_members (
  tenant_id TEXT NOT NULL,
  channel_id TEXT NOT NULL REFERENCES ptt_channels (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  status TEXT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX ptt_channel_members_user ON ptt_channel_members (user_id);

CREATE TABLE ptt_invites (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL REFERENCES ptt_events (id) ON DELETE CASCADE,
  team_id TEXT,
  default_channels TEXT NOT NULL DEFAULT '[]',
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT,
  expires_at_us BIGINT NOT NULL,
  max_uses INTEGER NOT NULL,
  used_count INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at_us BIGINT NOT NULL
);

-- One row per talk burst or text message, group or private.
CREATE TABLE ptt_messages (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  channel_type INTEGER NOT NULL,
  target_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT,
  file_name TEXT,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  size_bytes BIGINT NOT NULL DEFAULT 0,
  created_at_us BIGINT NOT NULL,
  delivered_at_us BIGINT,
  read_at_us BIGINT
);
CREATE INDEX ptt_messages_target_time ON ptt_messages (tenant_id, target_id, created_at_us);
CREATE INDEX ptt_messages_time ON ptt_messages (created_at_us);
