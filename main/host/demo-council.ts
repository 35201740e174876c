// The demo council on a central server, for `npm start` and the end-to-end tests: the
// departments, staff, citizens and a few thousand tickets of core/demo's Villanueva del Prado,
// with sign-in accounts for a handful of its staff. It uses the server as a council's IT would —
// its admin command line for accounts, its replication API for documents — since main/ never
// imports server/.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseloadBatches, type CaseloadBatch } from '../../core/demo/caseload';
import { COUNCIL_NAME } from '../../core/demo/council';
import { API_PATHS, parseLoginResponse } from '../../core/sync';
import type { User } from '../../core/schemas';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_CLI = path.join(ROOT, 'server', 'cli.ts');

/** Every demo account signs in with this password (printed on start; a demo, not a council). */
export const DEMO_PASSWORD = 'villanueva-demo';

/** The staff of core/demo/council.ts who get an account, by name: one per role and a few front offices. */
export const DEMO_ACCOUNT_NAMES = [
  'Roberto Sáez Carmona',
  'Lucía Fernández Soto',
  'Marta Iglesias Prieto',
  'Ana Belén Rubio Sanz',
  'Carlos Navarro Gil',
  'Teresa Carrillo Marcos',
  'Jorge Escudero Maldonado',
] as const;

export type DemoAccount = { email: string; name: string; role: User['role']; departmentIds: string[]; id: string };
export type DemoCouncil = { council: string; password: string; tickets: number; accounts: DemoAccount[] };

const MARKER = 'demo-council.json';

/** The demo council already on this server's data folder, if it was seeded. */
export function readDemoCouncil(serverDataDir: string): DemoCouncil | undefined {
  const file = path.join(serverDataDir, MARKER);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoCouncil;
}

function runServerCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`server ${args[0]} failed (${code}): ${err || out}`))));
  });
}

async function signIn(serverUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${serverUrl}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const login = parseLoginResponse(await response.json());
  if (!login.ok) throw new Error(`the demo administrator could not sign in: ${login.error.message}`);
  return login.value.accessToken;
}

async function push(serverUrl: string, token: string, collection: string, documents: readonly object[]): Promise<void> {
  for (let start = 0; start < documents.length; start += 250) {
    const rows = documents.slice(start, start + 250).map((document) => ({ newDocumentState: { ...document, _deleted: false } }));
    const response = await fetch(`${serverUrl}${API_PATHS.push(collection)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    const body = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`pushing ${collection} refused (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
    if (Array.isArray(body) && body.length > 0) throw new Error(`${body.length} ${collection} already on the server: seed an empty server`);
  }
}

/** Replaces every occurrence of the demo's user ids with the server's, in a document. */
function remap<T>(document: T, ids: Map<string, string>): T {
  if (ids.size === 0) return document;
  let text = JSON.stringify(document);
  for (const [from, to] of ids) text = text.replaceAll(from, to);
  return JSON.parse(text) as T;
}

export type SeedOptions = {
  /** The server's data folder (its admin command line works on it; the marker file goes there). */
  serverDataDir: string;
  /** The running server on that folder. */
  serverUrl: string;
  /** The server's token secret (the admin command line signs nothing, but reads the folder's). */
  env?: NodeJS.ProcessEnv;
  tickets?: number;
  /** Which staff get accounts (default DEMO_ACCOUNT_NAMES). */
  accountNames?: readonly string[];
  progress?: (line: string) => void;
};

/**
 * Seeds the demo council on an empty server, once: a second call finds the marker and returns
 * what the first one did.
 */
export async function seedDemoCouncil(options: SeedOptions): Promise<DemoCouncil> {
  const done = readDemoCouncil(options.serverDataDir);
  if (done) return done;
  const progress = options.progress ?? (() => undefined);
  const env = options.env ?? {};
  const names = new Set(options.accountNames ?? DEMO_ACCOUNT_NAMES);
  const tickets = options.tickets ?? 3_000;
  const batches: CaseloadBatch[] = [...caseloadBatches({ tickets, now: Date.now(), days: 365, batchSize: 1_000 })];
  const staff = batches.filter((batch) => batch.collection === 'users').flatMap((batch) => batch.documents as User[]);
  const admin = staff.find((user) => user.role === 'admin' && names.has(user.name));
  if (!admin) throw new Error('the demo accounts must include the council administrator');

  progress(`creating the administrator ${admin.email}`);
  const ids = new Map<string, string>();
  const created = (output: string) => /\(id ([0-9a-f-]{36})\)/.exec(output)?.[1];
  const adminOut = await runServerCli(['create-admin', '--data', options.serverDataDir, '--email', admin.email, '--name', admin.name], { ...env, VENTANILLA_PASSWORD: DEMO_PASSWORD });
  ids.set(admin.id, created(adminOut) ?? admin.id);
  const token = await signIn(options.serverUrl, admin.email, DEMO_PASSWORD);

  // Departments and calendars first: accounts name their departments.
  for (const batch of batches.filter((b) => b.collection === 'calendars' || b.collection === 'departments')) {
    await push(options.serverUrl, token, batch.collection, batch.documents);
  }
  const accounts: DemoAccount[] = [{ email: admin.email, name: admin.name, role: admin.role, departmentIds: admin.departmentIds, id: ids.get(admin.id)! }];
  for (const user of staff) {
    if (user === admin || !names.has(user.name)) continue;
    progress(`creating the account of ${user.name} (${user.role})`);
    const out = await runServerCli(
      // With their skills: Urbanismo and Servicios Sociales assign by skill, and a clerk without
      // skills is never chosen there.
      ['create-user', '--data', options.serverDataDir, '--email', user.email, '--name', user.name, '--role', user.role, '--departments', user.departmentIds.join(','), '--skills', user.skills.join(',')],
      { ...env, VENTANILLA_PASSWORD: DEMO_PASSWORD },
    );
    const id = created(out) ?? user.id;
    ids.set(user.id, id);
    accounts.push({ email: user.email, name: user.name, role: user.role, departmentIds: user.departmentIds, id });
  }
  let written = 0;
  for (const batch of batches) {
    if (batch.collection === 'calendars' || batch.collection === 'departments') continue;
    // Staff with an account already have their users document (the admin command line wrote it).
    const documents = batch.collection === 'users' ? (batch.documents as User[]).filter((user) => !ids.has(user.id)) : batch.documents;
    await push(options.serverUrl, token, batch.collection, documents.map((document) => remap(document, ids)));
    written += documents.length;
    progress(`${written} documents on the server`);
  }
  const council: DemoCouncil = { council: COUNCIL_NAME, password: DEMO_PASSWORD, tickets, accounts };
  writeFileSync(path.join(options.serverDataDir, MARKER), `${JSON.stringify(council, null, 2)}\n`);
  return council;
}
