-- Recordings count against their tenant's quota: recording_usage holds the bytes each tenant
-- keeps on disk, changed in the same transaction as the rows that add or purge recordings.
-- purged_at_us marks a recording whose file the retention sweep deleted (the row stays, as
-- history).
ALTER TABLE ptt_messages ADD COLUMN purged_at_us BIGINT;
CREATE TABLE recording_usage (
  tenant_id UUID PRIMARY KEY,
  bytes BIGINT NOT NULL DEFAULT 0
);
INSERT INTO recording_usage (tenant_id, bytes)
  SELECT tenant_id, SUM(size_bytes) FROM ptt_messages WHERE kind = 'audio' GROUP BY tenant_id;
CREATE INDEX ptt_messages_recordings ON ptt_messages (created_at_us)
  WHERE kind = 'audio' AND purged_at_us IS NULL;
