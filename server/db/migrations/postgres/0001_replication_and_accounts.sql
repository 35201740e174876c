-- Ventanilla central server, PostgreSQL, migration 0001. Released migrations are never edited:
-- change the schema with a new numbered file. Design: server/db/README.md.

-- Every replicated document of every collection. The body is the JSON text exactly as pushed:
-- TEXT, not jsonb, which would reorder keys and drop duplicates. What the server needs to
-- order and scope documents lives in its own columns, never inside it.
-- Key columns are COLLATE "C": pulls page by (updated_at, id) with the id in byte order,
-- whatever the database's locale (es-ES would sort 'a ä b Z').
CREATE TABLE documents (
  collection TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  -- The checkpoint value of the last transaction that wrote this row (collection_clocks).
  updated_at BIGINT NOT NULL,
  deleted    BOOLEAN NOT NULL,
  -- The department the document belongs to: a department id, '' (intake queue), '*' (everyone).
  scope      TEXT COLLATE "C" NOT NULL,
  -- The document whose scope this one follows (a message's ticket), or NULL.
  parent_id  TEXT COLLATE "C",
  body       TEXT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX documents_by_checkpoint ON documents (collection, updated_at, id);
CREATE INDEX documents_by_scope ON documents (collection, scope, updated_at, id);
CREATE INDEX documents_by_parent ON documents (collection, parent_id) WHERE parent_id IS NOT NULL;

-- A document left a scope in the transaction of updated_at (the latest time it left it).
CREATE TABLE scope_exits (
  collection TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  scope      TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (collection, id, scope)
);
CREATE INDEX scope_exits_by_checkpoint ON scope_exits (collection, scope, updated_at, id);

-- The last updated_at given per collection: max(now_ms, last + 1), so it strictly increases
-- across transactions and restarts, even when a server's clock goes back. Its row lock is the
-- collection's write lock: held from the moment a push takes its updated_at until it commits.
CREATE TABLE collection_clocks (
  collection      TEXT COLLATE "C" PRIMARY KEY,
  last_updated_at BIGINT NOT NULL
);

-- Credentials and rights; the replicated `users` collection (in documents) has none.
CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  email          TEXT NOT NULL UNIQUE,
  password_hash  TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
  -- A JSON array of department ids, as in SQLite, so both engines share their accessors.
  department_ids TEXT NOT NULL DEFAULT '[]',
  active         BOOLEAN NOT NULL DEFAULT TRUE,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- Who did what, when, and whether it was allowed. user_id has no foreign key: the log
-- outlives accounts and records attempts by unknown users.
CREATE TABLE audit_log (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          BIGINT NOT NULL,
  user_id     TEXT,
  action      TEXT NOT NULL,
  collection  TEXT,
  document_id TEXT,
  outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
  reason      TEXT,
  detail      TEXT
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_user ON audit_log (user_id, at);
CREATE INDEX audit_log_by_document ON audit_log (collection, document_id);
