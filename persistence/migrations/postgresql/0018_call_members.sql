-- The cluster member that runs a call ("" or NULL on a single node): a member that restarts
-- closes its own unfinished calls, not those other members still run.
ALTER TABLE call_sessions ADD COLUMN member TEXT;
