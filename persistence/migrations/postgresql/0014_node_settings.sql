-- Settings an operator changes at run time through the API (the VoicePing control plane's
-- SMTP settings), overriding the node's configuration. Secrets are stored sealed.
CREATE TABLE node_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at_us BIGINT NOT NULL
);
