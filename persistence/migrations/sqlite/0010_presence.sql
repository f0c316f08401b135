-- Presence: when a user was last connected (their last session closed), shown as lastSeen.
ALTER TABLE users ADD COLUMN last_seen_at_us BIGINT;
