// The ingester killed with SIGKILL at random moments — while fetching, parsing, writing documents
// or marking the spool — twenty times, then left to finish: every mail is in the database exactly
// once, in the ticket of its conversation; no ticket, message or citizen doubled. And Dovecot
// killed in the middle of a fetch: the fetcher reconnects by itself and finishes.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Message } from '../../core/schemas';
import { openLocalDatabase } from '../store/local-database';
import { startDovecot, type TestDovecot } from './test-support/dovecot';
import type { IngesterProcessOptions } from './test-support/ingester-process';
import { ingested, startMailWorkstation, waitUntil } from './test-support/mail-fixture';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const INGESTER = fileURLToPath(new URL('./test-support/ingester-process.ts', import.meta.url));
const THREADS = 40;
const REPLIES = 3;

/** A conversation: a citizen's first mail and their replies, each naming the one before. */
function conversation(thread: number): string[] {
  const id = (n: number) => `<t${thread}-m${n}@correo.test>`;
  return Array.from({ length: REPLIES + 1 }, (_, n) =>
    [
      `From: Vecino ${thread} <vecino${thread}@correo.test>`,
      'To: registro@ayto.test',
      `Subject: ${n === 0 ? '' : 'Re: '}Consulta número ${thread}`,
      `Message-ID: ${id(n)}`,
      ...(n > 0 ? [`In-Reply-To: ${id(n - 1)}`, `References: ${Array.from({ length: n }, (_, k) => id(k)).join(' ')}`] : []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Mensaje ${n} de la consulta ${thread}. ${'Texto de relleno. '.repeat(50 + ((thread * 7 + n) % 200))}`,
      '',
    ].join('\r\n'),
  );
}

function startIngester(options: IngesterProcessOptions): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const child = fork(INGESTER, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type: string; error?: string }) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'failed') reject(new Error(message.error));
    });
    child.on('exit', (code, signal) => reject(new Error(`the ingester exited (${signal ?? code}) before it was ready`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, ready, exited };
}

let dovecot: TestDovecot;
let dataDir: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ventanilla-mail-crash-'));
}, 30_000);

afterAll(async () => {
  await dovecot?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an ingester killed at random moments', () => {
  it('loses no mail and doubles none after twenty SIGKILLs', async () => {
    const mails = Array.from({ length: THREADS }, (_, thread) => conversation(thread)).flat();
    await dovecot.append(mails);
    const options: IngesterProcessOptions = {
      dataDir,
      account: { host: dovecot.host, port: dovecot.port, user: dovecot.users[0]!.user, password: dovecot.users[0]!.password, defaultDepartmentId: 'urbanismo' },
      batchSize: 7,
      fetchBatchSize: 13,
    };
    for (let kill = 0; kill < 20; kill++) {
      const ingester = startIngester(options);
      await ingester.ready;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 400));
      ingester.child.kill('SIGKILL');
      await ingester.exited;
    }
    const last = startIngester(options);
    await last.ready;
    await new Promise<void>((resolve) => {
      last.child.on('message', (message: { type: string }) => message.type === 'ingested' && resolve());
      last.child.send({ op: 'await', count: mails.length });
    });
    last.child.send({ op: 'stop' });
    await last.exited;

    const local = await openLocalDatabase({ directory: dataDir, name: 'clerk', durability: 'normal' });
    try {
      const messages = (await local.db.messages.find().exec()).map((document) => document.toJSON() as Message);
      const tickets = await local.db.tickets.find().exec();
      const citizens = await local.db.citizens.find().exec();
      expect(messages).toHaveLength(THREADS * (REPLIES + 1));
      expect(new Set(messages.map((message) => message.email!.messageId)).size).toBe(THREADS * (REPLIES + 1));
      expect(tickets).toHaveLength(THREADS);
      expect(citizens).toHaveLength(THREADS);
      for (let thread = 0; thread < THREADS; thread++) {
        const own = messages.filter((message) => message.email!.messageId.startsWith(`t${thread}-`));
        expect(new Set(own.map((message) => message.ticketId)).size, `thread ${thread} in one ticket`).toBe(1);
      }
    } finally {
      await local.close();
    }
  }, 240_000);
});

describe('a mail server that goes down in the middle of a fetch', () => {
  it('is reconnected to, with the reason in the status, and the fetch finishes', async () => {
    const workstation = await startMailWorkstation(dovecot, { dataDir: mkdtempSync(path.join(tmpdir(), 'ventanilla-mail-restart-')), batchSize: 5 });
    try {
      const total = THREADS * (REPLIES + 1);
      // Mid-fetch: as soon as the first batch is spooled, the server dies.
      await waitUntil(() => workstation.mail.status().spool.fetched + workstation.mail.status().spool.done > 0, 'a first batch', 30_000);
      await dovecot.stop(true);
      await waitUntil(() => workstation.mail.status().accounts[0]?.lastError !== undefined, 'the error in the status', 30_000);
      expect(workstation.mail.status().accounts[0]!.lastError).toMatch(/servidor de correo/);
      await dovecot.start();
      await ingested(workstation.mail, total, 60_000);
      expect(await workstation.local.db.messages.count().exec()).toBe(total);
      expect(workstation.mail.status().accounts[0]!.connected).toBe(true);
    } finally {
      await workstation.close();
    }
  }, 120_000);
});
