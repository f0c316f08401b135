-- Dialpad OAuth 2.0: pending authorizations (state → app and PKCE verifier, single use) and
-- each app's connection. Tokens and verifiers are sealed (secret_box) before they are stored.
CREATE TABLE dialpad_oauth_states (
  state_hash TEXT PRIMARY KEY,
  app_id UUID NOT NULL REFERENCES apps (id),
  verifier_sealed TEXT NOT NULL,
  expires_at_us BIGINT NOT NULL
);

CREATE TABLE dialpad_connections (
  app_id UUID PRIMARY KEY REFERENCES apps (id),
  access_token_sealed TEXT NOT NULL,
  refresh_token_sealed TEXT,
  scope TEXT,
  expires_at_us BIGINT,
  connected_at_us BIGINT NOT NULL,
  refreshed_at_us BIGINT,
  last_error TEXT,
  updated_at_us BIGINT NOT NULL
);
