/**
 * A real central server for tests: the HTTP layer (buildServer) over a fresh database of a test
 * engine (server-databases.ts), listening on 127.0.0.1 on a free port, with users to sign in as.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildServer, primaryKeysOf, type ServerOptions } from '../app';
import type { OpenServerDatabaseOptions, ServerDatabase, UserRole } from '../db/index';
import { hashPassword } from '../auth/passwords';
import { createTokenSigner } from '../auth/tokens';
import type { ExtraCollection } from '../replication/served-collections';
import type { LoginResponse, PushRow } from '../../core/sync/replication-protocol';
import type { DatabaseEngine } from './server-databases';
import { insertRow, userDoc } from './council-documents';

export const TEST_SECRET = 'a-test-secret-of-at-least-32-characters-0123456789';
export const TEST_PASSWORD = 'contraseña de prueba 123';

export type TestServer = {
  app: FastifyInstance;
  db: ServerDatabase;
  /** http://127.0.0.1:PORT */
  url: string;
  where: OpenServerDatabaseOptions;
  close(): Promise<void>;
};

export type TestServerOptions = Omit<Partial<ServerOptions>, 'database' | 'extraCollections'> & {
  extraCollections?: readonly ExtraCollection[];
  /** Serve this database instead of a new one (a second server process on the same data). */
  where?: OpenServerDatabaseOptions;
};

/** Starts a server; its database is closed by `close()` (and by the engine's closeAll). */
export async function startTestServer(engine: DatabaseEngine, options: TestServerOptions = {}): Promise<TestServer> {
  const { where: given, extraCollections = [], ...rest } = options;
  const where = { ...(given ?? (await engine.newDatabase())), primaryKeys: primaryKeysOf(extraCollections) } as OpenServerDatabaseOptions;
  const { db } = await engine.open(where);
  const app = await buildServer({ database: db, secret: TEST_SECRET, extraCollections, ...rest });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed = false;
  return {
    app,
    db,
    url: `http://127.0.0.1:${port}`,
    where,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await db.close();
    },
  };
}

/**
 * Registers the hooks of a test file that starts servers on one engine: the engine is started
 * once, every server a test started is closed after it, and the engine is stopped at the end.
 * Returns `start`, which starts a server the hooks will close.
 */
export function useTestServers(engine: DatabaseEngine): (options?: TestServerOptions) => Promise<TestServer> {
  const servers: TestServer[] = [];
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await engine.closeAll();
  });
  return async (options = {}) => {
    const server = await startTestServer(engine, options);
    servers.push(server);
    return server;
  };
}

const hashes = new Map<string, Promise<string>>();

export type TestUser = { id: string; email: string; password: string; role: UserRole; departmentIds: string[] };

/** An account and its `users` document, written straight to the database (the password is hashed once per process). */
export async function addUser(db: ServerDatabase, id: string, role: UserRole, departmentIds: string[] = [], password = TEST_PASSWORD): Promise<TestUser> {
  let hash = hashes.get(password);
  if (!hash) {
    hash = hashPassword(password);
    hashes.set(password, hash);
  }
  const email = `${id}@ayto-villanueva.example`;
  await db.users.create({ id, email, passwordHash: await hash, role, departmentIds, active: true });
  await db.push('users', [insertRow(userDoc(id, email, role, departmentIds))]);
  return { id, email, password, role, departmentIds };
}

/** A thin client of the HTTP API, as a workstation or another system would call it. */
export function apiClient(url: string) {
  const json = async (response: Response) => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  return {
    /** `workstation` names the machine for the audit log; `workstationId` is its stable id, which the session is bound to. */
    async login(user: { email: string; password: string }, workstation?: string, workstationId?: string) {
      const response = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password, ...(workstation ? { workstation } : {}), ...(workstationId ? { workstationId } : {}) }),
      });
      return json(response);
    },
    /** Signs in and returns the access token; throws when refused. */
    async token(user: { email: string; password: string }): Promise<string> {
      const answer = await this.login(user);
      if (answer.status !== 200) throw new Error(`sign-in refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as LoginResponse).accessToken;
    },
    async refresh(refreshToken: string, workstationId?: string) {
      const response = await fetch(`${url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken, ...(workstationId ? { workstationId } : {}) }),
      });
      return json(response);
    },
    async pull(token: string, collection: string, query = '') {
      const response = await fetch(`${url}/api/v1/replication/${encodeURIComponent(collection)}/pull${query ? `?${query}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return json(response);
    },
    async push(token: string, collection: string, rows: PushRow[] | unknown) {
      const response = await fetch(`${url}/api/v1/replication/${encodeURIComponent(collection)}/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(rows),
      });
      return json(response);
    },
  };
}

/**
 * An access token for a user, signed as the test server signs them, without the ~0.1 s of scrypt
 * of a real sign-in (the auth tests sign in for real); bound to `workstationId` when given.
 */
export function tokenFor(user: Pick<TestUser, 'id' | 'role' | 'departmentIds'>, lifetimeMs = 15 * 60_000, workstationId?: string): string {
  const actor = { userId: user.id, role: user.role, departmentIds: user.departmentIds, ...(workstationId !== undefined && { workstationId }) };
  return createTokenSigner(TEST_SECRET).sign(actor, Date.now(), lifetimeMs).token;
}
