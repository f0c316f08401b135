-- Calls a client logged itself (a softphone's calls that Switchboard did not signal): kept
-- beside the node's own history rows, marked by `source`, with no call session behind them.
-- SQLite cannot drop a NOT NULL: the table is rebuilt.
CREATE TABLE call_history_new (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  call_id TEXT REFERENCES call_sessions (id) ON DELETE CASCADE,
  contact_user_id TEXT,
  contact_name TEXT NOT NULL,
  contact_extension TEXT,
  direction TEXT NOT NULL,
  started_at_us BIGINT NOT NULL,
  duration_s BIGINT,
  answered INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'node'
);
INSERT INTO call_history_new (id, tenant_id, user_id, call_id, contact_user_id, contact_name,
                              contact_extension, direction, started_at_us, duration_s, answered,
                              outcome)
  SELECT id, tenant_id, user_id, call_id, contact_user_id, contact_name, contact_extension,
         direction, started_at_us, duration_s, answered, outcome FROM call_history;
DROP TABLE call_history;
ALTER TABLE call_history_new RENAME TO call_history;
CREATE INDEX call_history_user ON call_history (tenant_id, user_id, started_at_us DESC);
