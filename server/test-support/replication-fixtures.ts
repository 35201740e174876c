/** Documents and helpers for tests of the server database's replication. */
import type { DatabaseEvent, PullOptions, ReplicatedDocument, ReplicationCheckpoint, ReplicationPushRow, ServerDatabase } from '../db/index';

export type TestTicket = { id: string; departmentId: string; subject: string; _deleted: boolean; [field: string]: unknown };
export type TestMessage = { id: string; ticketId: string; text: string; _deleted: boolean };

export const ticket = (id: string, departmentId: string, fields: Record<string, unknown> = {}): TestTicket => ({
  id,
  departmentId,
  subject: `Asunto ${id}`,
  _deleted: false,
  ...fields,
});

export const message = (id: string, ticketId: string, text = `Texto de ${id}`): TestMessage => ({ id, ticketId, text, _deleted: false });

export const insert = (document: ReplicatedDocument): ReplicationPushRow => ({ newDocumentState: document });

export const change = (before: ReplicatedDocument, after: ReplicatedDocument): ReplicationPushRow => ({
  assumedMasterState: before,
  newDocumentState: after,
});

/** Compares strings as PostgreSQL's "C" collation and SQLite's BINARY do: by UTF-8 bytes. */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Pulls page after page until an empty one; returns everything and the final checkpoint. */
export async function pullAll(
  db: ServerDatabase,
  collection: string,
  options: PullOptions & { from?: ReplicationCheckpoint | null; limit?: number } = {},
): Promise<{ documents: ReplicatedDocument[]; checkpoint: ReplicationCheckpoint | null; pages: number }> {
  const documents: ReplicatedDocument[] = [];
  let checkpoint = options.from ?? null;
  for (let pages = 0; ; pages++) {
    const page = await db.pull(collection, checkpoint, options.limit ?? 100, options);
    if (page.documents.length === 0) return { documents, checkpoint, pages };
    documents.push(...page.documents);
    checkpoint = page.checkpoint;
  }
}

/** Resolves with the first event that matches, or rejects after `timeoutMs`. */
export function nextEvent(
  db: ServerDatabase,
  matches: (event: DatabaseEvent) => boolean,
  timeoutMs = 10_000,
): Promise<DatabaseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching database event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = db.subscribe((event) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

/** The ids of documents, in order. */
export const ids = (documents: readonly ReplicatedDocument[]): string[] => documents.map((document) => String(document.id));
