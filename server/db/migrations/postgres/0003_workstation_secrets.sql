-- Ventanilla central server, PostgreSQL, migration 0003. Released migrations are never edited:
-- change the schema with a new numbered file. Design: server/db/README.md.

-- Workstations that proved who they are: the first time the server sees a workstation id with a
-- secret (32 random bytes the workstation made and keeps beside its id, main/host/workstation-id.ts),
-- it keeps the SHA-256 of that secret here; every later sign-in and refresh naming the id must
-- present the same secret (server/auth/workstation-proof.ts). Without this, the id of migration
-- 0002 only labelled a workstation: anyone with a clerk's password could claim another one's.
-- Workstations that signed in before (no row) register at their next sign-in or refresh; an
-- administrator deletes a row to release an id (ventanilla-server release-workstation).
CREATE TABLE workstations (
  workstation_id TEXT PRIMARY KEY,
  secret_hash    TEXT NOT NULL,
  registered_at  BIGINT NOT NULL,
  -- The user whose sign-in or refresh registered it, for the administrator deciding a release.
  registered_by  TEXT NOT NULL
);
