-- Who may act for an entity with durable effects (a CTI app's webhook stream) on a cluster:
-- one holder at a time, until expires_at_us unless renewed. Every acquisition by another
-- holder raises the fence, and every job that acts for the entity checks its fence in the
-- same transaction (row locked), so a member that lost the lease (paused, partitioned) can
-- never commit for it again.
CREATE TABLE entity_leases (
  entity_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  fence BIGINT NOT NULL,
  expires_at_us BIGINT NOT NULL
);
