-- Chat attachments: files uploaded to a conversation (kept on disk under chat.attachments_dir,
-- named by id), served only to its members; a message lists the ones it carries (as JSON, so
-- that history needs no second query).
CREATE TABLE chat_attachments (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  uploaded_by TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  message_id TEXT,
  created_at_us BIGINT NOT NULL
);
ALTER TABLE chat_messages ADD COLUMN attachments TEXT;
