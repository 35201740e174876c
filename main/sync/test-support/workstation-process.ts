// The parent side of workstation-worker.ts: starts a workstation process and talks to it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CollectionName } from '../../../core/schemas';
import type { TicketEdit } from '../../../core/sync';
import type { SyncStatus } from '../sync-status';
import type { WorkerCommand, WorkerMessage, WorkerOptions } from './workstation-worker';

const WORKER = fileURLToPath(new URL('./workstation-worker.ts', import.meta.url));

export type Workstation = {
  readonly userId: string;
  readonly statuses: SyncStatus[];
  readonly status: SyncStatus | undefined;
  insert(collection: CollectionName, documents: Record<string, unknown>[], chunkSize?: number): Promise<number>;
  editTicket(id: string, changes: TicketEdit, now: number, by: string): Promise<void>;
  /** Changes top-level fields of a document (RxDB's incrementalModify); `null` removes a field. */
  patch(collection: CollectionName, id: string, changes: Record<string, unknown>): Promise<void>;
  dump<T = Record<string, unknown>>(collection: CollectionName): Promise<T[]>;
  awaitInSync(timeoutMs?: number): Promise<SyncStatus>;
  acknowledged(collection: CollectionName): Promise<string[]>;
  /** Resolves once the server acknowledged a push of each of these documents. */
  awaitPushed(collection: CollectionName, ids: string[], timeoutMs?: number): Promise<void>;
  /**
   * Resolves with the time (ms since 1970, sub-millisecond) the document was first seen in the
   * replica, or first seen absent with `gone`.
   */
  waitFor(collection: CollectionName, id: string, options?: { gone?: boolean; timeoutMs?: number }): Promise<number>;
  /** The document as the replica's storage holds it, deleted or not (null when absent). */
  stored(collection: CollectionName, id: string): Promise<Record<string, unknown> | null>;
  refused(): Promise<{ collection: string; id: string; code: string }[]>;
  signIn(password: string): Promise<unknown>;
  /** Resolves with the first status (the current one included) that satisfies `test`. */
  waitForStatus(test: (status: SyncStatus) => boolean, timeoutMs?: number, what?: string): Promise<SyncStatus>;
  stop(): Promise<void>;
  kill(): void;
};

export async function startWorkstation(options: WorkerOptions, startTimeoutMs = 30_000): Promise<Workstation> {
  const child: ChildProcess = fork(WORKER, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const statuses: SyncStatus[] = [];
  const statusListeners = new Set<() => void>();
  const replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let serial = 0;
  let exited = false;
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the workstation did not start in time')), startTimeoutMs);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.userId);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the workstation failed to start: ${message.error}`));
      } else if (message.type === 'status') {
        statuses.push(message.status as SyncStatus);
        for (const listener of [...statusListeners]) listener();
      } else if (message.type === 'reply') {
        const pending = replies.get(message.id);
        replies.delete(message.id);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(new Error(message.error));
      }
    });
    child.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`the workstation exited with ${code}`));
      for (const pending of replies.values()) pending.reject(new Error(`the workstation exited with ${code}`));
      replies.clear();
    });
  });
  const userId = await ready;

  const call = <T>(command: WorkerCommand, timeoutMs = 60_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error('the workstation has exited'));
      const id = ++serial;
      const timer = setTimeout(() => {
        replies.delete(id);
        reject(new Error(`the workstation did not answer ${command.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      replies.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, command });
    });

  const workstation: Workstation = {
    userId,
    statuses,
    get status() {
      return statuses.at(-1);
    },
    insert: (collection, documents, chunkSize) => call({ op: 'insert', collection, documents, chunkSize }),
    editTicket: async (id, changes, now, by) => {
      await call({ op: 'edit-ticket', id, changes, now, by });
    },
    patch: async (collection, id, changes) => {
      await call({ op: 'patch', collection, id, changes });
    },
    dump: (collection) => call({ op: 'dump', collection }),
    awaitInSync: (timeoutMs = 60_000) => call({ op: 'in-sync' }, timeoutMs),
    acknowledged: (collection) => call({ op: 'acknowledged', collection }),
    awaitPushed: async (collection, ids, timeoutMs = 30_000) => {
      await call({ op: 'await-pushed', collection, ids }, timeoutMs);
    },
    waitFor: (collection, id, { gone, timeoutMs = 30_000 } = {}) => call({ op: 'wait-for', collection, id, gone }, timeoutMs),
    stored: (collection, id) => call({ op: 'stored', collection, id }),
    refused: () => call({ op: 'refused' }),
    signIn: (password) => call({ op: 'sign-in', password }),
    waitForStatus(test, timeoutMs = 30_000, what = 'a status') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const status = statuses.at(-1);
          if (status && test(status)) {
            statusListeners.delete(check);
            clearTimeout(timer);
            resolve(status);
          }
        };
        const timer = setTimeout(() => {
          statusListeners.delete(check);
          reject(new Error(`timed out waiting for ${what}; last status ${JSON.stringify(statuses.at(-1))}`));
        }, timeoutMs);
        statusListeners.add(check);
        check();
      });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call({ op: 'stop' }).catch(() => undefined);
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!exited) child.kill('SIGKILL');
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
  return workstation;
}
