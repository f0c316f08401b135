-- Notes: the durable target of the WebSocket `echo` request, proving the store pipeline.
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at_us BIGINT NOT NULL
);
CREATE INDEX notes_session_idx ON notes (session_id);
