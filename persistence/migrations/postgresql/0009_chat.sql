-- Chat: conversations (direct between two users of a tenant, or named groups), their members
-- with a read and a delivered pointer each, and one log of messages per conversation ordered
-- by `seq`. Every change (a message, an edit, a delete, a pointer moving) takes the
-- conversation's next `version`, so that a client that reconnects asks for what changed
-- after the last version it saw. Unread counts are counted from the log, never kept.
CREATE TABLE chat_conversations (
  id UUID PRIMARY KEY,
  tenant_id UUID NOT NULL REFERENCES tenants (id),
  kind TEXT NOT NULL,
  name TEXT,
  direct_key TEXT,
  created_by UUID NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX chat_conversations_direct ON chat_conversations (tenant_id, direct_key);

CREATE TABLE chat_members (
  conversation_id UUID NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  user_id UUID NOT NULL,
  tenant_id UUID NOT NULL,
  read_seq BIGINT NOT NULL DEFAULT 0,
  delivered_seq BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  joined_at_us BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (tenant_id, user_id);

CREATE TABLE chat_messages (
  conversation_id UUID NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  id UUID NOT NULL UNIQUE,
  tenant_id UUID NOT NULL,
  sender_id UUID NOT NULL,
  client_msg_id TEXT,
  content TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at_us BIGINT NOT NULL,
  edited_at_us BIGINT,
  deleted_at_us BIGINT,
  PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX chat_messages_client_id
  ON chat_messages (conversation_id, sender_id, client_msg_id);
CREATE INDEX chat_messages_version ON chat_messages (conversation_id, version);
