import { describe, expect, it } from 'vitest';
import { DOCUMENT_STATE_CHECKS, type DocumentState, type ReplicationCheckpoint } from '../../core/sync';
import type { JsonCheck } from '../../core/sync/json-check';
import { readPullPage } from './pull-page';
import type { SyncError } from './sync-errors';
import { ticket } from './test-support/council';

const at = 1_790_000_000_000;
const state = (id: string): DocumentState => ({ ...ticket(id, at), _deleted: false }) as DocumentState;

/** A server answering each query with the next of `pages`, recording the queries. */
function server(pages: { documents: DocumentState[]; checkpoint: ReplicationCheckpoint | null }[]) {
  const queries: string[] = [];
  const leftOut: { ids: string[]; error: SyncError }[] = [];
  return {
    queries,
    leftOut,
    reader: {
      collection: 'tickets',
      check: DOCUMENT_STATE_CHECKS.tickets as unknown as JsonCheck<DocumentState>,
      request: async (query: string) => {
        queries.push(query);
        return { status: 200, body: pages.shift() ?? { documents: [], checkpoint: null } };
      },
      leftOut: (ids: string[], error: SyncError) => leftOut.push({ ids, error }),
    },
  };
}

describe('reading a page of a pull', () => {
  it('leaves out a document that breaks its schema, says which, and reads on until the page is full', async () => {
    const broken = { ...state('t-2'), status: 'lost in the post' } as DocumentState;
    const fake = server([
      { documents: [state('t-1'), broken, state('t-3')], checkpoint: { id: 't-3', updatedAt: 3 } },
      { documents: [state('t-4')], checkpoint: { id: 't-4', updatedAt: 4 } },
    ]);
    const page = await readPullPage(fake.reader, undefined, 3);
    expect(page.documents.map((document) => document.id)).toEqual(['t-1', 't-3', 't-4']);
    expect(page.checkpoint).toEqual({ id: 't-4', updatedAt: 4 });
    // The second request asks for what was missing, from where the first page ended.
    expect(fake.queries).toHaveLength(2);
    expect(fake.queries[1]).toContain('limit=1');
    expect(fake.leftOut).toHaveLength(1);
    expect(fake.leftOut[0]!.ids).toEqual(['t-2']);
    expect(fake.leftOut[0]!.error.message).toMatch(/1 tickets that break their schema/);
  });

  it('announces where a full page ends before checking its documents, and nothing for a page it must read on', async () => {
    const full = server([{ documents: [state('t-1'), state('t-2')], checkpoint: { id: 't-2', updatedAt: 2 } }]);
    const heard: { checkpoint: ReplicationCheckpoint; checked: boolean }[] = [];
    let checked = false;
    const reader = { ...full.reader, check: ((document: unknown) => ((checked = true), full.reader.check(document))) as typeof full.reader.check };
    const page = await readPullPage(reader, undefined, 2, (checkpoint) => heard.push({ checkpoint, checked }));
    expect(heard).toEqual([{ checkpoint: { id: 't-2', updatedAt: 2 }, checked: false }]);
    expect(page.checkpoint).toEqual(heard[0]!.checkpoint);

    // The server cut the page short: where it will end is not known until it is full.
    const short = server([
      { documents: [state('t-1')], checkpoint: { id: 't-1', updatedAt: 1 } },
      { documents: [state('t-2')], checkpoint: { id: 't-2', updatedAt: 2 } },
    ]);
    const announced: ReplicationCheckpoint[] = [];
    expect((await readPullPage(short.reader, undefined, 2, (checkpoint) => announced.push(checkpoint))).checkpoint).toEqual({ id: 't-2', updatedAt: 2 });
    expect(announced).toEqual([]);
  });

  it('ends a short page at the end of the feed, keeping the checkpoint it had', async () => {
    const fake = server([{ documents: [state('t-1')], checkpoint: { id: 't-1', updatedAt: 1 } }]);
    const page = await readPullPage(fake.reader, undefined, 5);
    expect(page).toEqual({ documents: [state('t-1')], checkpoint: { id: 't-1', updatedAt: 1 } });
  });

  it('refuses a checkpoint that does not move forward, which would pull the same page forever', async () => {
    const fake = server([{ documents: [state('t-1')], checkpoint: { id: 't-0', updatedAt: 1 } }]);
    await expect(readPullPage(fake.reader, { id: 't-0', updatedAt: 1 }, 5)).rejects.toMatchObject({ code: 'invalid_answer' });
  });
});
