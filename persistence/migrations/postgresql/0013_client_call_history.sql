-- Calls a client logged itself (a softphone's calls that Switchboard did not signal): kept
-- beside the node's own history rows, marked by `source`, with no call session behind them.
ALTER TABLE call_history ALTER COLUMN call_id DROP NOT NULL;
ALTER TABLE call_history ADD COLUMN source TEXT NOT NULL DEFAULT 'node';
