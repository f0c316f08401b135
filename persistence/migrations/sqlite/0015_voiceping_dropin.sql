-- The VoicePing drop-in router mode: users and channels provisioned from a foreign issuer's
-- router tokens keep the ids its clients use (numbers or strings), mapped to ours. `kind` is
-- 'user' or 'channel' (the two are separate namespaces on the wire); `is_number` says whether
-- the id was first seen as a MessagePack integer, the type frames carry it back in.
CREATE TABLE voiceping_external_ids (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  kind TEXT NOT NULL,
  external_id TEXT NOT NULL,
  is_number INTEGER NOT NULL,
  internal_id TEXT NOT NULL UNIQUE,
  created_at_us BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, kind, external_id)
);
