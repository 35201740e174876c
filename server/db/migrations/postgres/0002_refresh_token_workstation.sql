-- Ventanilla central server, PostgreSQL, migration 0002. Released migrations are never edited:
-- change the schema with a new numbered file. Design: server/db/README.md.

-- The workstation a session was signed in on: its stable id (the `outbox.workstationId` of the
-- replies it sends), kept with the refresh token so that every access token of the session
-- carries it (server/auth/tokens.ts, claim `wks`). NULL for sessions signed in before
-- workstations said their id, or by a client that does not: they keep working, and are bound at
-- their next refresh that names a workstation (server/auth/auth-routes.ts).
ALTER TABLE refresh_tokens ADD COLUMN workstation_id TEXT;
