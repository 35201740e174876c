// What a clerk relies on from the parser threads: one bad message never holds the mailbox. A
// message whose parse hangs has its worker ended after the timeout and is quarantined with the
// reason; a worker that dies fails only its own message; the messages beside and behind it are
// parsed by a fresh worker; and closing the pool settles everything and leaves no thread behind.
//
// The workers are the real parse-worker.ts behind a trap (test-support/misbehaving-parse-worker.ts)
// that hangs, exits or throws for raw files named *.hang.eml, *.exit.eml, *.throw.eml.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import type { MailAccount } from './accounts';
import { BlobWriter } from './blobs';
import { MailIngester } from './ingest';
import { UnparseableMail } from './parse-mail';
import { createParsePool, type ParsePool, type ParsePoolOptions } from './parse-pool';
import { MAX_ATTEMPTS, MailSpool } from './spool';

const misbehavingWorker = new URL('./test-support/misbehaving-parse-worker.ts', import.meta.url);
// Small, so that a hang is given up at once, and still far above the few milliseconds a parse of
// these messages takes (a worker's start-up does not count: it gets messages once loaded).
const TIMEOUT_MS = 1_000;

let folder: string;
const pools: ParsePool[] = [];

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-parse-pool-'));
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  rmSync(folder, { recursive: true, force: true });
});

function pool(options: Partial<ParsePoolOptions> = {}): ParsePool {
  const created = createParsePool({ blobsDirectory: path.join(folder, 'blobs'), fsync: false, workers: 1, timeoutMs: TIMEOUT_MS, workerModule: misbehavingWorker, ...options });
  pools.push(created);
  return created;
}

/** A raw message in the folder; `trap` ('hang', 'exit', 'throw') names the file so the test worker misbehaves on it. */
function rawMail(name: string, trap?: 'hang' | 'exit' | 'throw'): string {
  const file = path.join(folder, trap ? `${name}.${trap}.eml` : `${name}.eml`);
  writeFileSync(
    file,
    [
      'From: Vecina Muñoz <vecina@correo.test>',
      'To: registro@ayto.test',
      `Subject: Solicitud ${name}`,
      `Message-ID: <${name}@correo.test>`,
      'Date: Fri, 27 Nov 2026 09:30:00 +0100',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Texto de la solicitud ${name}.`,
      '',
    ].join('\r\n'),
  );
  return file;
}

describe('the pool of parser threads', () => {
  it('ends the worker of a message whose parse hangs, reports it unparseable, and parses the messages queued behind it with a fresh worker', async () => {
    const parser = pool({ workers: 1 });
    const hanging = parser.parse(rawMail('atasco', 'hang'));
    const behind = [parser.parse(rawMail('uno')), parser.parse(rawMail('dos'))];

    await expect(hanging).rejects.toBeInstanceOf(UnparseableMail);
    await expect(hanging).rejects.toThrow(`el análisis del mensaje superó ${Math.round(TIMEOUT_MS / 1000)} s`);
    // The only worker was stuck in the hanging message: whoever parses these is a new one.
    expect((await Promise.all(behind)).map((parsed) => parsed.messageId)).toEqual(['uno@correo.test', 'dos@correo.test']);
  }, 30_000);

  it('goes on parsing the messages in flight on the other workers while one hangs', async () => {
    const parser = pool({ workers: 2 });
    const hanging = parser.parse(rawMail('atasco', 'hang'));
    const others = ['uno', 'dos', 'tres', 'cuatro'].map((name) => parser.parse(rawMail(name)));

    expect((await Promise.all(others)).map((parsed) => parsed.subject)).toEqual(['Solicitud uno', 'Solicitud dos', 'Solicitud tres', 'Solicitud cuatro']);
    await expect(hanging).rejects.toBeInstanceOf(UnparseableMail);
    // And after the hang, the pool is whole again.
    await expect(parser.parse(rawMail('despues'))).resolves.toMatchObject({ messageId: 'despues@correo.test' });
  }, 30_000);

  it('fails only the message of a worker that exits, as unparseable, and parses the next ones with a fresh worker', async () => {
    const parser = pool({ workers: 1 });
    const ending = parser.parse(rawMail('salida', 'exit'));
    const behind = [parser.parse(rawMail('uno')), parser.parse(rawMail('dos'))];

    await expect(ending).rejects.toBeInstanceOf(UnparseableMail);
    await expect(ending).rejects.toThrow('el analizador de correo se detuvo con este mensaje');
    expect((await Promise.all(behind)).map((parsed) => parsed.messageId)).toEqual(['uno@correo.test', 'dos@correo.test']);
  }, 30_000);

  it('fails only the message of a worker that dies of an uncaught error, with that error, and goes on', async () => {
    const parser = pool({ workers: 1 });
    const crashing = parser.parse(rawMail('fallo', 'throw'));
    const behind = parser.parse(rawMail('uno'));

    // Not unparseable on its face (the processor retries it, then quarantines it), but it says what happened.
    await expect(crashing).rejects.toThrow('el analizador de correo falló con este mensaje: fallo provocado en el analizador de prueba');
    await expect(crashing).rejects.not.toBeInstanceOf(UnparseableMail);
    await expect(behind).resolves.toMatchObject({ messageId: 'uno@correo.test' });
  }, 30_000);

  it('never hands a message to a worker it is ending, even when that worker answered just as its time ran out', async () => {
    const parser = pool({ workers: 1 });
    await parser.parse(rawMail('arranque')); // the worker is up and warm
    const late = parser.parse(rawMail('tarde'));
    const next = parser.parse(rawMail('siguiente'));
    // Hold this thread past the timeout, from a setImmediate callback: meanwhile the worker
    // answers, and the event loop's next turn runs the expired timer (timers phase) before it
    // reads the answer (poll phase). The timer ends the worker; the answer the worker had already
    // posted must not bring it back to take the next message, which would then die with it.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, TIMEOUT_MS + 1_000);
        resolve();
      }),
    );

    await late.catch((error: unknown) => expect(error).toBeInstanceOf(UnparseableMail));
    await expect(next).resolves.toMatchObject({ messageId: 'siguiente@correo.test' });
  }, 30_000);

  it('blames no message for a worker that cannot even load: those waiting fail with the reason, not as unparseable', async () => {
    const parser = pool({ workers: 1, workerModule: new URL('./test-support/broken-parse-worker.ts', import.meta.url) });
    const waiting = parser.parse(rawMail('uno'));

    await expect(waiting).rejects.toThrow('el analizador de correo no pudo arrancar: módulo del analizador roto');
    await expect(waiting).rejects.not.toBeInstanceOf(UnparseableMail);
  });

  it('ends a worker that never finishes loading: the messages waiting fail with the reason instead of waiting for ever', async () => {
    const parser = pool({ workers: 1, startTimeoutMs: 1_000, workerModule: new URL('./test-support/silent-parse-worker.ts', import.meta.url) });
    const waiting = parser.parse(rawMail('uno'));

    await expect(waiting).rejects.toThrow('el analizador de correo no pudo arrancar: no terminó de cargarse en 1 s');
    await expect(waiting).rejects.not.toBeInstanceOf(UnparseableMail);
  });

  it('rejects the messages in flight and waiting as closed, not unparseable, when it is closed, and refuses new ones', async () => {
    const parser = pool({ workers: 1, timeoutMs: 10 * 60_000 });
    await parser.parse(rawMail('arranque')); // the worker is up: the next message goes to it at once
    const settled = Promise.allSettled([parser.parse(rawMail('atasco', 'hang')), parser.parse(rawMail('espera'))]);
    await parser.close();

    for (const outcome of await settled) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as Error;
      expect(reason).toMatchObject({ code: 'ERR_PARSE_POOL_CLOSED', message: 'the parse pool is closed' });
      expect(reason).not.toBeInstanceOf(UnparseableMail);
    }
    await expect(parser.parse(rawMail('tarde'))).rejects.toMatchObject({ code: 'ERR_PARSE_POOL_CLOSED' });
  });

  it('leaves no thread or timer running once closed with a hanging message: its process exits by itself', async () => {
    const child = fork(path.join(import.meta.dirname, 'test-support', 'parse-pool-close-child.ts'), [folder], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const answers: unknown[] = [];
    child.on('message', (message) => answers.push(message));
    // The guard only keeps a failure from hanging the suite: a child held alive is killed and fails below.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    clearTimeout(guard);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(answers).toEqual([
      {
        closed: true,
        settled: [
          { status: 'rejected', name: 'Error', code: 'ERR_PARSE_POOL_CLOSED', message: 'the parse pool is closed' },
          { status: 'rejected', name: 'Error', code: 'ERR_PARSE_POOL_CLOSED', message: 'the parse pool is closed' },
        ],
      },
    ]);
  }, 30_000);
});

describe('the processor fed by the pool', () => {
  let local: LocalDatabase;
  let spool: MailSpool;
  const account: MailAccount = {
    id: 'registro',
    name: 'Registro General',
    host: '127.0.0.1',
    port: 143,
    security: 'none',
    user: 'registro@ayto.test',
    folder: 'INBOX',
    address: 'registro@ayto.test',
    defaultDepartmentId: 'urbanismo',
    enabled: true,
    options: { markSeen: false, pollSeconds: 30, batchSize: 50 },
  };

  beforeEach(async () => {
    mkdirSync(path.join(folder, 'db'));
    local = await openLocalDatabase({ directory: path.join(folder, 'db'), name: 'clerk', durability: 'normal' });
    spool = MailSpool.open(folder, 'normal');
    spool.resetFolder(account.id, account.folder, 1n);
  });
  afterEach(async () => {
    spool.close();
    await local.close();
  });

  /** Spools the raw files as UIDs 1, 2, …; returns the processor, parsing through `parser`. */
  function ingesterOf(parser: ParsePool, files: string[]): MailIngester {
    spool.record(
      account.id,
      account.folder,
      1n,
      files.map((rawFile, index) => ({ uid: index + 1, internalDate: 1_796_000_000_000 + index, size: 200, rawFile })),
      files.length,
    );
    return new MailIngester({
      db: local.db,
      spool,
      blobs: new BlobWriter(path.join(folder, 'blobs'), { fsync: false }),
      citizens: { citizensWithEmail: () => Promise.resolve([]) },
      account: (id) => (id === account.id ? account : undefined),
      parse: (file) => parser.parse(file),
    });
  }

  it('quarantines a message whose parse hangs with the reason, and turns the others of its batch into messages', async () => {
    const ingester = ingesterOf(pool({ workers: 1 }), [rawMail('uno'), rawMail('atasco', 'hang'), rawMail('dos')]);

    expect(await ingester.processBatch()).toEqual({ done: 2, duplicates: 0, quarantined: 1, failed: 0 });
    expect(spool.quarantined().map((entry) => [entry.uid, entry.reason])).toEqual([[2, `el análisis del mensaje superó ${Math.round(TIMEOUT_MS / 1000)} s`]]);
    const messages = await local.db.messages.find().exec();
    expect(messages.map((message) => message.email?.messageId).sort()).toEqual(['dos@correo.test', 'uno@correo.test']);
  }, 30_000);

  it('quarantines the message of a worker that exits at once, and that of a worker that throws after its attempts, saying why', async () => {
    const ingester = ingesterOf(pool({ workers: 1 }), [rawMail('salida', 'exit'), rawMail('fallo', 'throw'), rawMail('uno')]);

    expect(await ingester.processBatch()).toEqual({ done: 1, duplicates: 0, quarantined: 1, failed: 1 });
    for (let attempt = 2; attempt < MAX_ATTEMPTS; attempt++) expect(await ingester.processBatch()).toEqual({ done: 0, duplicates: 0, quarantined: 0, failed: 1 });
    expect(await ingester.processBatch()).toEqual({ done: 0, duplicates: 0, quarantined: 1, failed: 0 });

    expect(spool.quarantined().map((entry) => [entry.uid, entry.reason]).sort()).toEqual([
      [1, 'el analizador de correo se detuvo con este mensaje'],
      [2, 'el analizador de correo falló con este mensaje: fallo provocado en el analizador de prueba'],
    ]);
    expect(spool.countPending()).toBe(0);
  }, 30_000);
});
