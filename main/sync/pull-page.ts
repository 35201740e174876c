// One page of a pull as the workstation reads it: every answer parsed with core's parser, every
// document checked against its collection's schema, and read on until the page is full.
import { isAfterCheckpoint, parsePullResponse, pullQueryString, type DocumentState, type ReplicationCheckpoint } from '../../core/sync';
import type { JsonCheck } from '../../core/sync/json-check';
import { invalidAnswer, type ServerAnswer } from './server-client';
import { SyncError } from './sync-errors';

export type PullPageReader = {
  collection: string;
  check: JsonCheck<DocumentState>;
  /** The pull request with this query string, answered (or thrown as a SyncError). */
  request: (query: string) => Promise<ServerAnswer>;
  /** Documents that break their schema, left out of the page (the pull goes on without them). */
  leftOut: (documentIds: string[], error: SyncError) => void;
};

/**
 * The documents after `checkpoint`, at most `batchSize`; `announce` hears where the page will
 * end as soon as the server's answer says so, before the documents are checked. RxDB takes a page shorter than
 * batchSize for the end of the feed, but the server may cut a page short (its size limit) and
 * documents may be left out: so this reads on until the batch is full or the server has nothing
 * more.
 */
export async function readPullPage(
  reader: PullPageReader,
  checkpoint: ReplicationCheckpoint | undefined,
  batchSize: number,
  announce?: (next: ReplicationCheckpoint) => void,
): Promise<{ documents: DocumentState[]; checkpoint: ReplicationCheckpoint | undefined }> {
  const name = reader.collection;
  let from = checkpoint ?? null;
  const collected: DocumentState[] = [];
  for (;;) {
    const limit = batchSize - collected.length;
    const answer = await reader.request(pullQueryString({ checkpoint: from, limit }));
    const page = parsePullResponse(answer.body);
    if (!page.ok) throw invalidAnswer(`pull of ${name}`, page.error.message);
    const { documents } = page.value;
    if (documents.length === 0) return { documents: collected, checkpoint: from ?? page.value.checkpoint ?? undefined };
    const next = page.value.checkpoint!;
    // A checkpoint that does not move forward would make RxDB pull the same page forever.
    if (!isAfterCheckpoint(next, from)) {
      throw invalidAnswer(`pull of ${name}`, `the checkpoint ${JSON.stringify(next)} does not come after ${JSON.stringify(from)}`);
    }
    if (announce && collected.length === 0 && documents.length === batchSize) {
      // A full page at the first answer ends at this checkpoint unless documents are left out
      // below: the caller may ask for the next page now, and the server answers it while this
      // thread checks these. Back to the event loop once, so that request goes out first.
      announce(next);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const setAside: string[] = [];
    let firstRefusal: string | undefined;
    for (const document of documents) {
      const checked = reader.check(document);
      if (checked.ok) collected.push(document);
      else {
        setAside.push(String(document.id));
        firstRefusal ??= checked.error.message;
      }
    }
    if (setAside.length > 0) {
      // One unreadable document must not stop the replica: keep the others, say which.
      reader.leftOut(setAside, new SyncError('server', 'invalid_answer', `the server sent ${setAside.length} ${name} that break their schema, left out: ${firstRefusal}`));
    }
    from = next;
    if (collected.length >= batchSize) return { documents: collected, checkpoint: next };
  }
}
