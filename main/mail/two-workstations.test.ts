// Two workstations pull the same shared mailbox while the central server is down, each making
// its own tickets, messages and citizens offline; when the server is back and both have synced,
// the council has exactly one ticket per conversation, one message per mail and one citizen per
// sender — the same on the server and on both workstations. Real Dovecot, the project's own
// central server, each workstation a process of its own.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCouncil, serverDocuments, startCentralServer, type CentralServer } from '../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, LUIS, temporaryFolder } from '../sync/test-support/council';
import { startDovecot, type TestDovecot } from './test-support/dovecot';
import type { MailWorkerCommand, MailWorkerOptions } from './test-support/mail-workstation-worker';

const WORKER = fileURLToPath(new URL('./test-support/mail-workstation-worker.ts', import.meta.url));

type MailWorkstationProcess = { call<T = unknown>(command: MailWorkerCommand, timeoutMs?: number): Promise<T>; stop(): Promise<void> };

async function startWorker(options: MailWorkerOptions): Promise<MailWorkstationProcess> {
  const child: ChildProcess = fork(WORKER, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let serial = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type: string; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(message.error));
      else if (message.type === 'reply') {
        const pending = replies.get(message.id!);
        replies.delete(message.id!);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(new Error(message.error));
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`the workstation exited with ${code}`));
      for (const pending of replies.values()) pending.reject(new Error(`the workstation exited with ${code}`));
    });
  });
  const call = <T,>(command: MailWorkerCommand, timeoutMs = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const id = ++serial;
      const timer = setTimeout(() => reject(new Error(`no answer to ${command.op} within ${timeoutMs} ms`)), timeoutMs);
      replies.set(id, { resolve: (value) => (clearTimeout(timer), resolve(value as T)), reject: (error) => (clearTimeout(timer), reject(error)) });
      child.send({ id, command });
    });
  return {
    call,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      await call({ op: 'stop' }, 20_000).catch(() => undefined);
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function conversations(count: number, replies: number): string[] {
  const mails: string[] = [];
  for (let thread = 0; thread < count; thread++) {
    const id = (n: number) => `<conv${thread}-${n}@correo.test>`;
    for (let n = 0; n <= replies; n++) {
      mails.push(
        [
          `From: Vecina ${thread} <vecina${thread}@correo.test>`,
          'To: registro@ayto.test',
          `Subject: ${n > 0 ? 'RE: ' : ''}Solicitud ${thread}`,
          `Message-ID: ${id(n)}`,
          ...(n > 0 ? [`In-Reply-To: ${id(n - 1)}`] : []),
          'Content-Type: text/plain; charset=utf-8',
          '',
          `Mensaje ${n} de la solicitud ${thread}.`,
          '',
        ].join('\r\n'),
      );
    }
  }
  return mails;
}

let dovecot: TestDovecot;
let server: CentralServer;
let tmp: ReturnType<typeof temporaryFolder>;
const workers: MailWorkstationProcess[] = [];

beforeAll(async () => {
  tmp = temporaryFolder('ventanilla-mail-sync-');
  const council = await prepareCouncil(COUNCIL);
  council.copyTo(path.join(tmp.folder, 'server'));
  council.remove();
  server = await startCentralServer({ dataDir: path.join(tmp.folder, 'server') });
  dovecot = await startDovecot();
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await server?.stop();
  await dovecot?.close();
  tmp?.remove();
}, 60_000);

describe('two workstations on one mailbox, offline, then synced', () => {
  it('end with one ticket per conversation, one message per mail and one citizen per sender', async () => {
    const THREADS = 12;
    const mails = conversations(THREADS, 2);
    await dovecot.append(mails);
    const account = { host: dovecot.host, port: dovecot.port, user: dovecot.users[0]!.user, password: dovecot.users[0]!.password, defaultDepartmentId: 'urbanismo' };
    // Each signs in once (a first start needs the server), then the server goes away.
    for (const [name, credentials] of [['ana', ANA], ['luis', LUIS]] as const) {
      workers.push(await startWorker({ dataDir: path.join(tmp.folder, name), serverUrl: server.url, ...credentials, account }));
    }
    await Promise.all(workers.map((worker) => worker.call({ op: 'in-sync' })));
    await server.stop();

    for (const worker of workers) await worker.call({ op: 'start-mail' });
    await Promise.all(workers.map((worker) => worker.call({ op: 'await-ingested', count: mails.length })));
    // Offline, each holds the whole mailbox on its own.
    for (const worker of workers) expect(await worker.call<unknown[]>({ op: 'dump', collection: 'tickets' })).toHaveLength(THREADS);

    await server.restart();
    await Promise.all(workers.map((worker) => worker.call({ op: 'in-sync' }, 120_000)));
    // Both pushed; each pulls what the other pushed (nothing new: the same documents).
    await Promise.all(workers.map((worker) => worker.call({ op: 'in-sync' }, 120_000)));

    const onServer = {
      tickets: await serverDocuments(server.url, ADMIN, 'tickets'),
      messages: await serverDocuments(server.url, ADMIN, 'messages'),
      citizens: await serverDocuments(server.url, ADMIN, 'citizens'),
    };
    expect(onServer.tickets.filter((document) => !document._deleted)).toHaveLength(THREADS);
    expect(onServer.messages.filter((document) => !document._deleted)).toHaveLength(mails.length);
    expect(onServer.citizens.filter((document) => !document._deleted)).toHaveLength(THREADS);
    const [ana, luis] = workers;
    for (const collection of ['tickets', 'messages', 'citizens'] as const) {
      const ids = (documents: { id: string }[]) => documents.map((document) => document.id).sort();
      expect(ids(await ana!.call<{ id: string }[]>({ op: 'dump', collection }))).toEqual(ids(await luis!.call<{ id: string }[]>({ op: 'dump', collection })));
    }
  }, 300_000);
});
