-- A talk-group channel is also a conversation (kind 'channel', the channel's id, created by
-- the channel), and its messages keep the ids PTT clients know, VoicePing's
-- "0_17_<channel>_<user>_<ms>.txt": message ids are text, no longer UUIDs only.
ALTER TABLE chat_messages ALTER COLUMN id TYPE TEXT;
ALTER TABLE chat_attachments ALTER COLUMN message_id TYPE TEXT;
