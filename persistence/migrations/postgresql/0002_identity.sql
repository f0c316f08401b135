-- Identity and tenancy: tenants, users, apps with API keys, refresh tokens, password resets,
-- invites, the audit log and the e-mail outbox. Times are epoch microseconds.
CREATE TABLE tenants (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  deleted_at_us BIGINT
);

CREATE TABLE users (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL REFERENCES tenants (id),
  email TEXT NOT NULL,
  password_hash TEXT,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  phone TEXT,
  extension TEXT,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  preferences TEXT NOT NULL DEFAULT '{}',
  department TEXT,
  employee_id TEXT,
  superadmin INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  token_version INTEGER NOT NULL DEFAULT 0,
  last_login_at_us BIGINT,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  created_by TEXT,
  deleted_at_us BIGINT,
  deleted_by TEXT
);
CREATE UNIQUE INDEX users_tenant_email ON users (tenant_id, email) WHERE deleted_at_us IS NULL;
CREATE UNIQUE INDEX users_tenant_extension ON users (tenant_id, extension)
  WHERE deleted_at_us IS NULL AND extension IS NOT NULL;
CREATE INDEX users_email ON users (email);
CREATE INDEX users_tenant_status ON users (tenant_id, status);

CREATE TABLE apps (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  is_active INTEGER NOT NULL DEFAULT 1,
  webhook_secret TEXT,
  api_key_hash TEXT,
  api_key_hint TEXT,
  api_key_rotated_at_us BIGINT,
  previous_key_hash TEXT,
  previous_key_expires_at_us BIGINT,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX apps_api_key_hash ON apps (api_key_hash);
CREATE INDEX apps_previous_key_hash ON apps (previous_key_hash);
CREATE INDEX apps_tenant ON apps (tenant_id);

CREATE TABLE api_key_audit (
  id UUID PRIMARY KEY,
  app_id UUID NOT NULL REFERENCES apps (id),
  tenant_id UUID NOT NULL,
  action TEXT NOT NULL,
  old_key_hint TEXT,
  new_key_hint TEXT,
  grace_seconds BIGINT,
  performed_at_us BIGINT NOT NULL
);
CREATE INDEX api_key_audit_app ON api_key_audit (app_id, performed_at_us);

CREATE TABLE refresh_tokens (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users (id),
  tenant_id UUID NOT NULL,
  family_id UUID NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  issued_at_us BIGINT NOT NULL,
  expires_at_us BIGINT NOT NULL,
  used_at_us BIGINT,
  revoked_at_us BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE password_resets (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at_us BIGINT NOT NULL,
  used_at_us BIGINT,
  created_at_us BIGINT NOT NULL
);

CREATE TABLE invites (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL REFERENCES tenants (id),
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT,
  role TEXT NOT NULL,
  expires_at_us BIGINT NOT NULL,
  max_uses INTEGER NOT NULL,
  used_count INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at_us BIGINT NOT NULL
);
CREATE INDEX invites_tenant ON invites (tenant_id, created_at_us);

CREATE TABLE audit_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id UUID,
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  target_kind TEXT,
  target_id TEXT,
  summary TEXT NOT NULL DEFAULT '{}',
  ip TEXT,
  created_at_us BIGINT NOT NULL
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, created_at_us);

CREATE TABLE email_outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id UUID,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_us BIGINT NOT NULL,
  sent_at_us BIGINT,
  failed_at_us BIGINT,
  last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (next_attempt_at_us)
  WHERE sent_at_us IS NULL AND failed_at_us IS NULL;
