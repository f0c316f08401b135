-- A change of a user's e-mail address waits here until the new address confirms it: only then
-- does the address (which receives password resets) change.
CREATE TABLE email_changes (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users (id),
  new_email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  requested_by UUID,
  expires_at_us BIGINT NOT NULL,
  used_at_us BIGINT,
  created_at_us BIGINT NOT NULL
);
CREATE INDEX email_changes_user ON email_changes (user_id) WHERE used_at_us IS NULL;
