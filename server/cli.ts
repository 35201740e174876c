/**
 * The central server's command line.
 *
 *   tsx server/cli.ts serve [--data ./data/server] [--port 8080] [--host 127.0.0.1] [--trust-proxy]
 *   tsx server/cli.ts create-department --id urbanismo --name "Urbanismo" --code URB [--mail-aliases a@x,b@x] [--assignment manual] [--calendar ID]
 *   tsx server/cli.ts create-admin --email ana@ayto.example --name "Ana Ruiz" --password '…'
 *   tsx server/cli.ts create-user --email luis@ayto.example --name "Luis Gil" --role clerk --departments urbanismo,padron [--skills "licencias,obra menor"] --password '…'
 *   tsx server/cli.ts set-password --email luis@ayto.example --password '…'
 *   tsx server/cli.ts audit [--limit 100] [--user ID] [--outcome refused] [--since 2025-03-01]
 *   tsx server/cli.ts list-workstations
 *   tsx server/cli.ts release-workstation --id WORKSTATION_ID
 *
 * The database: DATABASE_URL (postgres://…) when set, otherwise the SQLite file
 * `<data>/server.sqlite`. Passwords may come from VENTANILLA_PASSWORD instead of --password
 * (which other users of the machine can see in the process list). Operator guide: server/README.md.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UserRole } from '../core/schemas';
import { USER_ROLES } from '../core/schemas';
import { openServerDatabase, type AuditOutcome, type ServerDatabase } from './db/index';
import { buildServer } from './app';
import { AdminError, createDepartment, createUser, setPassword, type AdminEnvironment } from './admin/admin-actions';
import { listWorkstations, releaseWorkstation } from './admin/workstation-actions';
import type { Log } from './replication/push-documents';
import { loadSecret } from './secret';

export const DEFAULT_DATA_FOLDER = './data/server';
export const DEFAULT_PORT = 8080;
export const SQLITE_FILE = 'server.sqlite';

const USAGE = `Usage: ventanilla-server <command> [options]

Commands:
  serve               run the central server
  create-department   --id ID --name NAME --code CODE [--mail-aliases a@x,b@x] [--assignment MODE] [--calendar ID]
  create-admin        --email EMAIL --name NAME --password PASSWORD
  create-user         --email EMAIL --name NAME --role clerk|supervisor|admin --departments ID,ID [--skills A,B] --password PASSWORD
  set-password        --email EMAIL --password PASSWORD
  audit               [--limit N] [--user ID] [--action ACTION] [--outcome ok|refused|failed] [--since DATE]
  list-workstations   the workstations that proved their id with a secret: id, registered at, by whom
  release-workstation --id WORKSTATION_ID   forget the id's secret and end its sessions: the next
                      installation to sign in with it registers a new one

Common options:
  --data FOLDER       data folder (default ${DEFAULT_DATA_FOLDER}): the SQLite database and the token secret
  serve: --port N (default ${DEFAULT_PORT}), --host ADDRESS (default 127.0.0.1), --trust-proxy, --log-level LEVEL

Environment: DATABASE_URL (PostgreSQL instead of SQLite), VENTANILLA_SECRET (token secret; required
when several server processes share one PostgreSQL), VENTANILLA_PASSWORD (instead of --password),
VENTANILLA_ACCESS_TOKEN_TTL_MS (life of access tokens, default 900000 = 15 min), LOG_LEVEL, PORT.
`;

class UsageError extends Error {}

const OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'log-level': { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  code: { type: 'string' },
  'mail-aliases': { type: 'string' },
  assignment: { type: 'string' },
  calendar: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  departments: { type: 'string' },
  skills: { type: 'string' },
  limit: { type: 'string' },
  user: { type: 'string' },
  action: { type: 'string' },
  outcome: { type: 'string' },
  since: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function required(values: Values, name: keyof Values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function passwordOf(values: Values, environment: NodeJS.ProcessEnv): string {
  const password = values.password ?? environment.VENTANILLA_PASSWORD;
  if (!password) throw new UsageError('--password (or VENTANILLA_PASSWORD) is required');
  return password;
}

/** Where the database is: DATABASE_URL, or the SQLite file in the data folder. */
export function databaseLocation(dataFolder: string, environment: NodeJS.ProcessEnv): { databaseUrl: string } | { sqliteFile: string } {
  if (environment.DATABASE_URL) return { databaseUrl: environment.DATABASE_URL };
  mkdirSync(dataFolder, { recursive: true, mode: 0o700 });
  return { sqliteFile: path.join(dataFolder, SQLITE_FILE) };
}

function describe(location: { databaseUrl: string } | { sqliteFile: string }): string {
  if ('sqliteFile' in location) return `SQLite ${location.sqliteFile}`;
  // Never print the password of the URL.
  try {
    const url = new URL(location.databaseUrl);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** Errors only, to stderr: the command's own output is its result. */
const quietLog: Log = {
  info: () => undefined,
  warn: (object: unknown, message?: string) => console.warn(message ?? '', object),
  error: (object: unknown, message?: string) => console.error(message ?? '', object),
} as Log;

const print = (text: string) => process.stdout.write(`${text}\n`);

export async function main(argv: readonly string[], environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    print(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const dataFolder = path.resolve(values.data ?? DEFAULT_DATA_FOLDER);
  try {
    if (command === 'serve') return await serve(values, dataFolder, environment);
    const admin = ADMIN_COMMANDS[command];
    if (!admin) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    const location = databaseLocation(dataFolder, environment);
    const db = await openServerDatabase(location);
    try {
      await admin(values, { db, log: quietLog }, environment);
    } finally {
      await db.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AdminError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

type AdminCommand = (values: Values, env: AdminEnvironment, environment: NodeJS.ProcessEnv) => Promise<void>;

const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  async 'create-department'(values, env) {
    const department = await createDepartment(env, {
      id: required(values, 'id'),
      name: required(values, 'name'),
      code: required(values, 'code'),
      mailAliases: list(values['mail-aliases']),
      assignmentMode: values.assignment as never,
      calendarId: values.calendar,
    });
    print(`created department ${department.id} (${department.code}, ${department.name})`);
  },
  async 'create-admin'(values, env, environment) {
    const { user } = await createUser(env, {
      email: required(values, 'email'),
      name: required(values, 'name'),
      role: 'admin',
      departmentIds: list(values.departments),
      password: passwordOf(values, environment),
    });
    print(`created administrator ${user.email} (id ${user.id})`);
  },
  async 'create-user'(values, env, environment) {
    const role = required(values, 'role');
    if (!(USER_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
    const { user } = await createUser(env, {
      email: required(values, 'email'),
      name: required(values, 'name'),
      role: role as UserRole,
      departmentIds: list(values.departments),
      skills: list(values.skills),
      password: passwordOf(values, environment),
    });
    print(`created ${user.role} ${user.email} (id ${user.id}) in ${user.departmentIds.join(', ') || 'no department'}${user.skills.length > 0 ? `, skills: ${user.skills.join(', ')}` : ''}`);
  },
  async 'set-password'(values, env, environment) {
    const account = await setPassword(env, required(values, 'email'), passwordOf(values, environment));
    print(`new password set for ${account.email}; their sessions were signed out`);
  },
  async audit(values, env) {
    const since = values.since ? Date.parse(values.since) : undefined;
    if (since !== undefined && Number.isNaN(since)) throw new UsageError('--since must be a date, e.g. 2025-03-01 or 2025-03-01T09:00:00Z');
    const limit = values.limit ? Number(values.limit) : 100;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
    const outcome = values.outcome as AuditOutcome | undefined;
    const entries = await env.db.audit.query({ userId: values.user, action: values.action, outcome, since, limit });
    for (const entry of entries) print(JSON.stringify({ ...entry, at: new Date(entry.at).toISOString() }));
  },
  async 'list-workstations'(_values, env) {
    for (const workstation of await listWorkstations(env)) {
      print(`${workstation.workstationId}\tregistered ${new Date(workstation.registeredAt).toISOString()} by ${workstation.registeredBy}`);
    }
  },
  async 'release-workstation'(values, env) {
    const workstationId = required(values, 'id');
    const { released, sessionsEnded } = await releaseWorkstation(env, workstationId);
    print(
      `released workstation ${workstationId} (registered ${new Date(released.registeredAt).toISOString()} by ${released.registeredBy}); ` +
        `${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} signed out; the next installation to sign in with it registers its secret`,
    );
  },
};

async function serve(values: Values, dataFolder: string, environment: NodeJS.ProcessEnv): Promise<number> {
  const port = Number(values.port ?? environment.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be a port number');
  const host = values.host ?? '127.0.0.1';
  const ttl = environment.VENTANILLA_ACCESS_TOKEN_TTL_MS;
  const accessTokenTtlMs = ttl ? Number(ttl) : undefined;
  if (accessTokenTtlMs !== undefined && (!Number.isSafeInteger(accessTokenTtlMs) || accessTokenTtlMs < 1_000)) {
    throw new UsageError('VENTANILLA_ACCESS_TOKEN_TTL_MS must be a whole number of milliseconds, at least 1000');
  }
  const location = databaseLocation(dataFolder, environment);
  const secret = loadSecret(dataFolder, environment);
  const database: ServerDatabase = await openServerDatabase(location);
  const app = await buildServer({
    database,
    secret: secret.secret,
    accessTokenTtlMs,
    trustProxy: values['trust-proxy'] === true,
    logger: { level: values['log-level'] ?? environment.LOG_LEVEL ?? 'info' },
    // Attachments (server/blobs): in the data folder, with PostgreSQL too.
    blobDirectory: path.join(dataFolder, 'blobs'),
  });
  if (secret.warning) app.log.warn(secret.warning);
  if (secret.source === 'generated') app.log.info({ file: secret.file }, 'generated the token secret');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    await database.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const address = await app.listen({ port, host });
  app.log.info({ address, database: describe(location), secretFrom: secret.source }, 'Ventanilla server listening');
  return new Promise<number>((resolve) => app.server.once('close', () => resolve(0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
