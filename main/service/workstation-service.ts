// The workstation service without a window: the clerk's local database, its sync with the
// central server and, with `mail`, the mail channel (ingestion, routing, outbox), in one Node process. The Electron app starts the same in a
// utilityProcess; `main/service/cli.ts` starts it from a terminal, for tests and for a council's
// IT (a mailbox ingested centrally, with no desktop running: DESIGN.md, Mail).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { API_PATHS, parseLoginResponse, type AuthTokens, type LoginRequest, type SignedInUser } from '../../core/sync';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import { describeMigration } from '../store/schema-migrations';
import { RetryGate, type BackoffPolicy } from '../sync/backoff';
import { callServer, invalidAnswer, type FetchFunction } from '../sync/server-client';
import { startSync, type StartSyncOptions, type SyncHandle } from '../sync/start-sync';
import { SyncError, toSyncError } from '../sync/sync-errors';
import { startMailWiring, type MailWiring, type MailWiringOptions } from '../host/mail/mail-wiring';
import { plainSessionVault } from '../host/session-vault';
import { workstationIdOf, workstationSecretOf } from '../host/workstation-id';
import { importMailAccounts } from './mail-accounts-file';

export type WorkstationServiceOptions = {
  /** The folder of this workstation's data: the replica, and who it belongs to. */
  dataDir: string;
  serverUrl: string;
  credentials: LoginRequest;
  fetch?: FetchFunction;
  backoff?: BackoffPolicy;
  /** Passed on to startSync (batch sizes, timeouts). */
  sync?: Pick<StartSyncOptions, 'pullBatchSize' | 'pushBatchSize' | 'requestTimeoutMs' | 'heartbeatTimeoutMs'>;
  /** Progress in words, for the log. */
  log?: (line: string) => void;
  /** Stops waiting for a first sign-in. */
  signal?: AbortSignal;
  /**
   * Ingests the council's mailboxes and sends the outbox (DESIGN.md, Mail: a mailbox ingested
   * centrally, with no desktop running). `accountsFile`: accounts to add or update at start
   * (mail-accounts-file.ts); without it, the accounts already stored in the data folder.
   */
  mail?: { accountsFile?: string; councilName: string } & Pick<MailWiringOptions, 'channel' | 'outboxBackoff'>;
};

export type WorkstationService = {
  readonly local: LocalDatabase;
  readonly sync: SyncHandle;
  readonly user: SignedInUser;
  /** The mail channel, when started with `mail`. */
  readonly mail: MailWiring | undefined;
  /** Stops the mail and the sync, then closes the database. */
  stop(): Promise<void>;
};

/** Who this workstation's replica belongs to, kept beside it (never a password or a token). */
type Profile = { user: SignedInUser; serverUrl: string };

const PROFILE_FILE = 'workstation.json';

function readProfile(dataDir: string): Profile | undefined {
  try {
    const profile = JSON.parse(readFileSync(path.join(dataDir, PROFILE_FILE), 'utf8')) as Profile;
    return typeof profile.user?.id === 'string' ? profile : undefined;
  } catch {
    return undefined;
  }
}

function writeProfile(dataDir: string, profile: Profile): void {
  const file = path.join(dataDir, PROFILE_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(profile, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * Starts the service. The replica is one database per clerk, named by their user id, which only
 * the server knows: the first start signs in first (waiting, with backoff, for the server), and
 * remembers who signed in; later starts open the replica at once and work offline if need be.
 */
export async function startWorkstationService(options: WorkstationServiceOptions): Promise<WorkstationService> {
  const log = options.log ?? (() => undefined);
  const fetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  mkdirSync(options.dataDir, { recursive: true });
  // Its stable id binds the session to this workstation (core/sync/auth-protocol.ts): the outbox
  // below sends the replies of this id, and only this session may push their delivery states.
  // The secret beside it proves the id (registered by the server on first use; an owner-only
  // file in the data folder, as the service has no keychain).
  const workstationId = workstationIdOf(options.dataDir);
  const workstationSecret = workstationSecretOf(plainSessionVault(options.dataDir, log), log);
  const credentials: LoginRequest = {
    workstation: hostname().slice(0, 128) || 'workstation',
    workstationId,
    ...(workstationSecret !== undefined && { workstationSecret }),
    ...options.credentials,
  };
  let profile = readProfile(options.dataDir);
  if (profile && profile.user.email !== credentials.email.toLowerCase()) {
    throw new Error(`${options.dataDir} holds the replica of ${profile.user.email}; use another data folder for ${credentials.email}`);
  }
  let first: { tokens: AuthTokens; user: SignedInUser } | undefined;
  if (!profile) {
    log(`first start: signing in to ${options.serverUrl} as ${credentials.email} to learn whose replica this is`);
    first = await firstSignIn(options.serverUrl, fetchFunction, credentials, options.backoff, log, options.signal);
    profile = { user: first.user, serverUrl: options.serverUrl };
    writeProfile(options.dataDir, profile);
  }
  const local = await openLocalDatabase({ directory: options.dataDir, name: profile.user.id });
  for (const migration of local.migrations) log(describeMigration(migration));
  let sync: SyncHandle;
  let accessToken: string | undefined = first?.tokens.accessToken;
  try {
    sync = await startSync({
      db: local.db,
      serverUrl: options.serverUrl,
      credentials,
      user: profile.user,
      workstationId,
      workstationSecret,
      ...(first && { tokens: first.tokens }),
      onTokens: (tokens) => {
        accessToken = tokens.accessToken;
      },
      fetch: fetchFunction,
      backoff: options.backoff,
      ...options.sync,
    });
  } catch (error) {
    await local.close();
    throw error;
  }
  let mail: MailWiring | undefined;
  if (options.mail) {
    const mailOptions = options.mail;
    try {
      mail = await startMailWiring({
        db: local.db,
        directory: options.dataDir,
        workstationId,
        councilName: () => mailOptions.councilName,
        central: {
          serverUrl: options.serverUrl,
          fetch: fetchFunction,
          accessToken: () => (accessToken ? Promise.resolve(accessToken) : Promise.reject(new Error('not signed in to the central server yet'))),
        },
        ...(mailOptions.channel && { channel: mailOptions.channel }),
        ...(mailOptions.outboxBackoff && { outboxBackoff: mailOptions.outboxBackoff }),
        log: (line) => log(`mail: ${line}`),
      });
      if (mailOptions.accountsFile) {
        const imported = await importMailAccounts(mail, mailOptions.accountsFile);
        log(`mail: ${imported.length} account(s) from ${mailOptions.accountsFile}: ${imported.map((account) => account.address).join(', ')}`);
      }
      const wiring = mail;
      sync.status$.subscribe((status) => {
        if (status.state === 'online') void wiring.drainUploads();
      });
    } catch (error) {
      await mail?.stop();
      await sync.stop();
      await local.close();
      throw error;
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    local,
    sync,
    user: profile.user,
    mail,
    stop() {
      stopping ??= (async () => {
        try {
          try {
            await mail?.stop();
          } finally {
            await sync.stop();
          }
        } finally {
          await local.close();
        }
      })();
      return stopping;
    },
  };
}

/** Signs in, retrying with backoff while the server cannot be reached; a refusal is final. */
async function firstSignIn(
  serverUrl: string,
  fetchFunction: FetchFunction,
  credentials: LoginRequest,
  backoff: BackoffPolicy | undefined,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ tokens: AuthTokens; user: SignedInUser }> {
  const gate = new RetryGate(backoff);
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await callServer(fetchFunction, serverUrl, { method: 'POST', path: API_PATHS.login, body: credentials, timeoutMs: 30_000, signal });
      const login = parseLoginResponse(answer.body);
      if (!login.ok) throw invalidAnswer('login answer', login.error.message);
      const { user, ...tokens } = login.value;
      return { tokens, user };
    } catch (caught) {
      const error = toSyncError(caught);
      if (error.kind === 'auth' || error.kind === 'refused' || error.kind === 'stopped') {
        throw new SyncError('signed-out', error.kind === 'auth' ? 'invalid_credentials' : error.code, `signing in failed: ${error.message}`, error.status);
      }
      log(`cannot sign in yet (${error.message}); retrying with backoff (attempt ${attempt + 1})`);
      await gate.wait(attempt, signal);
    }
  }
}
