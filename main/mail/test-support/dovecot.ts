/**
 * A real Dovecot IMAP server for tests, started from a temporary folder on a free loopback port
 * with a self-contained configuration (the facts of shared/NOTES.md: `dovecot -F -c conf`,
 * passwd-file users served as uid 65534, maildir inside the folder, `log_path` set, the whole
 * process group stopped at the end because stopping the master alone leaves sessions serving).
 * It can be stopped and started again on the same port (a mail server that goes down), and it
 * also listens for LMTP, so tests can deliver mail as a mail server would.
 *
 * The folder is an owned folder (test-support/owned-folder.ts): if the test process dies without
 * `close()`, its exit hook or the next run's sweep stops the detached Dovecot and removes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { createOwnedFolder, serverFromPidFile, sweepStaleFolders } from '../../../test-support/owned-folder';

const DOVECOT = '/usr/sbin/dovecot';
const MAIL_UID = 65534;

export type DovecotUser = { user: string; password: string };

export type TestDovecot = {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly lmtpPort: number;
  readonly folder: string;
  readonly users: readonly DovecotUser[];
  /** An imapflow client logged in as `user` (the first user by default); the caller logs out. */
  client(user?: DovecotUser): Promise<ImapFlow>;
  /** Appends raw messages to a folder of `user`, in order; returns their UIDs. */
  append(messages: readonly (string | Buffer)[], options?: { user?: DovecotUser; folder?: string; date?: Date }): Promise<number[]>;
  /**
   * Writes raw messages straight into the INBOX maildir (`new/`), ~5× faster than APPEND for
   * filling a big mailbox; Dovecot assigns their UIDs at the next SELECT.
   */
  writeMaildir(messages: readonly (string | Buffer)[], options?: { user?: DovecotUser; receivedAt?: (index: number) => Date }): void;
  /** Stops the whole process group (SIGKILL when `hard`), sessions included. */
  stop(hard?: boolean): Promise<void>;
  /** Starts again on the same ports and folder. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Stops and removes the folder. */
  close(): Promise<void>;
  log(): string;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The Dovecot of a folder left by a test process that died, found by its pid file (the master's
 * command line names the folder's dovecot.conf, so a reused pid is not taken for it).
 */
function dovecotOf(folder: string) {
  return serverFromPidFile(path.join(folder, 'run', 'master.pid'), path.join(folder, 'dovecot.conf'), { group: true, signal: 'SIGKILL' });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops and removes the Dovecots left by test processes that are gone (startDovecot does this
 * before its first server in each process); returns the folders removed.
 */
export function sweepStaleDovecotFolders(): string[] {
  return sweepStaleFolders('dovecot', { findServers: dovecotOf });
}

/** Resolves once the server greets with `* OK` (a broken login service accepts TCP and never greets). */
async function greeted(port: number, deadline: number, alive: () => boolean, log: () => string): Promise<void> {
  for (;;) {
    if (!alive()) throw new Error(`Dovecot exited while starting:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const timer = setTimeout(() => finish(false), 1_000);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(value);
      };
      socket.once('data', (chunk) => finish(chunk.toString().startsWith('* OK')));
      socket.once('error', () => finish(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not greet on port ${port} within the time allowed:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startDovecot(options: { users?: DovecotUser[] } = {}): Promise<TestDovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: apt-get install -y dovecot-imapd dovecot-lmtpd`);
  const users = options.users ?? [{ user: 'registro@ayto.test', password: 'secreto-de-registro' }];
  const owned = createOwnedFolder('dovecot', { findServers: dovecotOf });
  const folder = owned.path;
  const root = process.getuid?.() === 0;
  // Mail processes run as uid 65534 and must reach the folder.
  chmodSync(folder, 0o755);
  const home = path.join(folder, 'home');
  mkdirSync(home, { recursive: true });
  if (root) chownSync(home, MAIL_UID, MAIL_UID);
  const [port, lmtpPort] = [await freePort(), await freePort()];
  const me = userInfo().username;
  writeFileSync(path.join(folder, 'users'), users.map(({ user, password }) => `${user}:{PLAIN}${password}::::::\n`).join(''));
  writeFileSync(
    path.join(folder, 'dovecot.conf'),
    `# Written by main/mail/test-support/dovecot.ts for one test run.
base_dir = ${folder}/run
state_dir = ${folder}/state
log_path = ${folder}/dovecot.log
info_log_path = ${folder}/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_max_userip_connections = 200
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${folder}/users
}
userdb {
  driver = static
  args = uid=${root ? MAIL_UID : process.getuid?.()} gid=${root ? MAIL_UID : process.getgid?.()} home=${home}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
${root ? '' : '  chroot =\n'}}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0666
  }
}
${root ? '' : `service anvil {\n  chroot =\n}\ndefault_internal_user = ${me}\ndefault_login_user = ${me}\n`}`,
  );

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const log = () => {
    try {
      return readFileSync(path.join(folder, 'dovecot.log'), 'utf8').slice(-5_000);
    } catch {
      return '(no log)';
    }
  };

  const start = async () => {
    const started = spawn(DOVECOT, ['-F', '-c', path.join(folder, 'dovecot.conf')], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    // Its own process group (detached): stopping the group stops the sessions too.
    if (started.pid) owned.recordProcess(started.pid, { group: true, signal: 'SIGKILL' });
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let alive = true;
    exited = new Promise((resolve) =>
      started.on('exit', () => {
        alive = false;
        resolve();
      }),
    );
    await greeted(port, Date.now() + 20_000, () => alive, () => `${stderr}\n${log()}`);
  };

  const stop = async (hard = false) => {
    const current = child;
    child = undefined;
    if (!current?.pid || current.exitCode !== null) return;
    killGroup(current.pid, hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => killGroup(current.pid!, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // The sessions are in the same group; give the kernel a moment to release the port.
    killGroup(current.pid, 'SIGKILL');
  };

  const client = async (user: DovecotUser = users[0]!) => {
    const imap = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.password }, logger: false });
    imap.on('error', () => undefined);
    await imap.connect();
    return imap;
  };

  let maildirSerial = 0;
  try {
    await start();
  } catch (error) {
    await stop(true);
    owned.remove();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    lmtpPort,
    folder,
    users,
    client,
    async append(messages, { user, folder: mailbox = 'INBOX', date } = {}) {
      const imap = await client(user);
      try {
        const uids: number[] = [];
        for (const message of messages) {
          const appended = await imap.append(mailbox, message, [], date);
          if (!appended || appended.uid === undefined) throw new Error('APPEND gave no UID');
          uids.push(appended.uid);
        }
        return uids;
      } finally {
        await imap.logout().catch(() => imap.close());
      }
    },
    writeMaildir(messages, { user = users[0]!, receivedAt } = {}) {
      const maildir = path.join(home, user.user, 'Maildir');
      for (const sub of ['new', 'cur', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
      messages.forEach((message, index) => {
        const name = `${Date.now()}.M${++maildirSerial}P${process.pid}.ventanilla-test`;
        const file = path.join(maildir, 'new', name);
        writeFileSync(file, message);
        const at = receivedAt?.(index);
        if (at) {
          // Dovecot takes INTERNALDATE from the file's mtime.
          const seconds = at.getTime() / 1000;
          utimesSync(file, seconds, seconds);
        }
        if (root) chownSync(file, MAIL_UID, MAIL_UID);
      });
      if (root) {
        for (const dir of [path.join(home, user.user), maildir, ...['new', 'cur', 'tmp'].map((sub) => path.join(maildir, sub))]) chownSync(dir, MAIL_UID, MAIL_UID);
      }
    },
    stop,
    start,
    get running() {
      return child !== undefined;
    },
    async close() {
      await stop(true);
      owned.remove();
    },
    log,
  };
}
