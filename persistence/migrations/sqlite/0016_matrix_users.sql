-- A user's Matrix id ("@alice:example.org"): a Matrix access token validated with the
-- homeserver names it, and calls may address the user by it. One homeserver per node, so the
-- id names at most one live user.
ALTER TABLE users ADD COLUMN matrix_user_id TEXT;
CREATE UNIQUE INDEX users_matrix_user ON users (matrix_user_id)
  WHERE deleted_at_us IS NULL AND matrix_user_id IS NOT NULL;
