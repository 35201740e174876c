// One workstation in its own process, for the sync tests: the headless service
// (startWorkstationService), driven by its parent over IPC. Its own process because RxDB
// open-core opens at most 13 collections per process (a workstation has 8), and because a
// workstation is a process of its own in real life too.
//
// Run with `node --import tsx workstation-worker.ts '<options JSON>'` through child_process.fork.
import type { RxCollection } from 'rxdb';
import type { Observable } from 'rxjs';
import type { CollectionName } from '../../../core/schemas';
import { stampTicketEdit, type TicketEdit } from '../../../core/sync';
import { startWorkstationService, type WorkstationService } from '../../service/workstation-service';

export type WorkerOptions = {
  dataDir: string;
  serverUrl: string;
  email: string;
  password: string;
  backoff?: { initialMs: number; maxMs: number };
  heartbeatTimeoutMs?: number;
  requestTimeoutMs?: number;
  pullBatchSize?: number;
};

export type WorkerCommand =
  /** Inserts in writes of `chunkSize` documents (default all at once), as a clerk working on. */
  | { op: 'insert'; collection: CollectionName; documents: Record<string, unknown>[]; chunkSize?: number }
  | { op: 'edit-ticket'; id: string; changes: TicketEdit; now: number; by: string }
  /** Changes top-level fields of a document as the screens do (RxDB's incrementalPatch); `null` removes a field. */
  | { op: 'patch'; collection: CollectionName; id: string; changes: Record<string, unknown> }
  | { op: 'dump'; collection: CollectionName }
  | { op: 'in-sync' }
  | { op: 'acknowledged'; collection: CollectionName }
  /** Resolves once the server acknowledged a push of each of these documents. */
  | { op: 'await-pushed'; collection: CollectionName; ids: string[] }
  /**
   * Resolves with the time (ms since 1970, sub-millisecond) at which the document is first seen
   * in the replica — or, with `gone`, first seen absent (deleted or never there).
   */
  | { op: 'wait-for'; collection: CollectionName; id: string; gone?: boolean }
  /** The document as the replica's storage holds it, deleted or not (null when absent). */
  | { op: 'stored'; collection: CollectionName; id: string }
  | { op: 'sign-in'; password: string }
  | { op: 'refused' }
  | { op: 'stop' };

export type WorkerMessage =
  | { type: 'ready'; userId: string }
  | { type: 'status'; status: unknown }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'failed'; error: string };

const send = (message: WorkerMessage) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
let service: WorkstationService | undefined;
/** Ids whose push the server acknowledged, per collection (RxDB's sent$). */
const acknowledged = new Map<string, Set<string>>();
/** Called after every acknowledgement. */
const onAcknowledged = new Set<() => void>();
/** Changes the server refused for good. */
const refused: { collection: string; id: string; code: string }[] = [];

/** A document as both sides hold it: no local bookkeeping. */
function plain(document: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...rest } = document;
  return rest;
}

async function run(command: WorkerCommand): Promise<unknown> {
  const running = service;
  if (!running) throw new Error('the workstation is not started');
  const { db } = running.local;
  switch (command.op) {
    case 'insert': {
      const size = command.chunkSize ?? command.documents.length;
      let written = 0;
      for (let start = 0; start < command.documents.length; start += size) {
        const result = await db.collections[command.collection].bulkInsert(command.documents.slice(start, start + size) as never[]);
        if (result.error.length > 0) throw new Error(`insert refused: ${JSON.stringify(result.error[0])}`);
        written += result.success.length;
      }
      return written;
    }
    case 'edit-ticket': {
      const ticket = await db.tickets.findOne(command.id).exec();
      if (!ticket) throw new Error(`no ticket ${command.id}`);
      await ticket.incrementalModify((data) => stampTicketEdit(data, command.changes, command.now, command.by));
      return true;
    }
    case 'patch': {
      // Any collection: the fields are the test's to get right, and the schema checks them.
      const collection = db.collections[command.collection] as unknown as RxCollection<Record<string, unknown>>;
      const document = await collection.findOne(command.id).exec();
      if (!document) throw new Error(`no ${command.collection} ${command.id}`);
      await document.incrementalModify((data) => {
        const next = { ...data };
        for (const [field, value] of Object.entries(command.changes)) {
          if (value === null) delete next[field];
          else next[field] = value;
        }
        return next;
      });
      return true;
    }
    case 'dump': {
      const documents = await db.collections[command.collection].find({ sort: [{ id: 'asc' }] }).exec();
      return documents.map((document) => plain(document.toMutableJSON(true) as Record<string, unknown>));
    }
    case 'in-sync':
      await running.sync.awaitInSync();
      return running.sync.status;
    case 'wait-for': {
      const query = db.collections[command.collection].findOne(command.id);
      return new Promise<number>((resolve, reject) => {
        const subscription = (query.$ as Observable<unknown>).subscribe({
          next: (document) => {
            if ((document === null) !== (command.gone === true)) return;
            resolve(performance.timeOrigin + performance.now());
            queueMicrotask(() => subscription.unsubscribe());
          },
          error: reject,
        });
      });
    }
    case 'stored': {
      const [document] = await db.collections[command.collection].storageInstance.findDocumentsById([command.id], true);
      if (!document) return null;
      const { _deleted, ...rest } = document as Record<string, unknown>;
      return { ...plain(rest), _deleted };
    }
    case 'sign-in':
      return running.sync.signIn({ email: options.email, password: command.password });
    case 'refused':
      return refused;
    case 'await-pushed': {
      const ids = acknowledged.get(command.collection)!;
      await new Promise<void>((resolve) => {
        const check = () => {
          if (!command.ids.every((id) => ids.has(id))) return;
          onAcknowledged.delete(check);
          resolve();
        };
        onAcknowledged.add(check);
        check();
      });
      return true;
    }
    case 'acknowledged':
      return [...(acknowledged.get(command.collection) ?? [])];
    case 'stop':
      await running.stop();
      service = undefined;
      setImmediate(() => process.exit(0));
      return true;
  }
}

process.on('message', (message: { id: number; command: WorkerCommand }) => {
  run(message.command).then(
    (value) => send({ type: 'reply', id: message.id, ok: true, value }),
    (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.on('disconnect', () => {
  void (service?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});

try {
  service = await startWorkstationService({
    dataDir: options.dataDir,
    serverUrl: options.serverUrl,
    credentials: { email: options.email, password: options.password, workstation: 'test' },
    backoff: options.backoff,
    sync: { heartbeatTimeoutMs: options.heartbeatTimeoutMs, requestTimeoutMs: options.requestTimeoutMs, pullBatchSize: options.pullBatchSize },
  });
  for (const [name, replication] of Object.entries(service.sync.replications)) {
    const ids = new Set<string>();
    acknowledged.set(name, ids);
    (replication.sent$ as Observable<{ id: unknown }>).subscribe((document) => {
      ids.add(String(document.id));
      for (const check of [...onAcknowledged]) check();
    });
  }
  service.sync.refused$.subscribe(({ collection, id, error }) => refused.push({ collection, id, code: error.code }));
  service.sync.status$.subscribe((status) => send({ type: 'status', status }));
  send({ type: 'ready', userId: service.user.id });
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
}
