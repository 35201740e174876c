/**
 * The live side of replication: one Server-Sent Events stream per workstation
 * (`GET /api/v1/replication/stream`) for every collection the user may see, fed by the
 * database's commit events (on PostgreSQL, every server process's commits, via LISTEN/NOTIFY).
 *
 * Events are core's StreamEvent (encodeStreamEvent): `{type: 'changes', collection, documents,
 * checkpoint}`, which the workstation hands to that collection's RxDB `pull.stream$` as is, and
 * `{type: 'resync', collection?}`, which it turns into RxDB's 'RESYNC'. Every stream starts with
 * a resync of every collection (shared/NOTES.md: RESYNC on every (re)connect: whatever happened
 * while the workstation was away, it pulls from its own checkpoint).
 *
 * Streams with the same view of a collection (the same department scopes) share one reader: a
 * *group* with a cursor in that collection's feed. After each commit a group pulls, with its
 * members' scopes, everything after its cursor, sends it to every member and moves the cursor.
 * So a commit costs one scoped pull per distinct view, not one per workstation, and a stream only
 * ever carries what a pull by the same user would return (never another department's documents).
 *
 * No commit may fall between a workstation's resync pull and its group's cursor. So a new group
 * fixes its cursor at the end of the collection's feed *before* its first member is answered
 * (the response headers, which the workstation answers with its resync pull, go out after): every
 * commit up to the cursor is then in that pull, and every later one reaches the group as an
 * event. A member joining an existing group is behind no commit either: the group's cursor is at
 * or before the end of the feed, so the overlap is sent twice, which RxDB takes as a no-op.
 *
 * The end of a collection's feed is the largest `updatedAt` heard in a commit event, or, before
 * any, found once per process with a few dozen one-row index reads (pull is ordered by
 * `(updatedAt, id)`, so "is there anything after t?" is a cheap question). Every transaction below
 * that value has committed: the collection lock hands out `updatedAt` in commit order.
 */
import type { FastifyBaseLogger } from 'fastify';
import { CHECKPOINT_ID_MAX_LENGTH, STREAM_HEARTBEAT, encodeStreamEvent, type ReplicationCheckpoint, type StreamEvent } from '../../core/sync/replication-protocol';
import type { DatabaseEvent, Scope, ServerDatabase } from '../db/index';
import type { Actor } from '../auth/tokens';
import { readScopes } from './rights';
import { pullPage } from './pull-page';
import { councilTombstone } from './tombstones';

/** One connected workstation. */
export type StreamClient = {
  readonly actor: Actor;
  /** Writes SSE text; returns false when the client is too far behind and must be dropped. */
  write(text: string): boolean;
  /** Ends the response (the workstation reconnects and resyncs). */
  end(): void;
};

export type ChangeStreamOptions = {
  db: ServerDatabase;
  collections: readonly string[];
  log: FastifyBaseLogger;
  /** Comment lines that keep idle connections open (default 15 s). */
  heartbeatMs: number;
  /** Documents per event (default 500). */
  pageLimit?: number;
  pullByteBudget?: number;
  /** After a failed read, when a group tries again (default 1 s). */
  retryMs?: number;
};

type Group = {
  key: string;
  collection: string;
  scopes: readonly Scope[] | 'all';
  members: Set<StreamClient>;
  /** Everything after this position is still to be sent; null: from the beginning. */
  cursor: ReplicationCheckpoint | null;
  /** Resolves when the cursor is fixed. */
  ready: Promise<void>;
  isReady: boolean;
  running: boolean;
  again: boolean;
  retry: NodeJS.Timeout | null;
};

/** Greater than every id in code point order: "after every document of this updatedAt". */
const AFTER_EVERY_ID = '\u{10FFFF}'.repeat(CHECKPOINT_ID_MAX_LENGTH + 1);

const after = (updatedAt: number): ReplicationCheckpoint => ({ updatedAt, id: AFTER_EVERY_ID });

export class ChangeStream {
  private readonly groups = new Map<string, Group>();
  private readonly memberships = new Map<StreamClient, Group[]>();
  /** The largest updatedAt heard per collection since this process started. */
  private readonly heard = new Map<string, number>();
  private readonly searches = new Map<string, Promise<number | null>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private closed = false;
  private readonly pageLimit: number;

  constructor(private readonly options: ChangeStreamOptions) {
    this.pageLimit = options.pageLimit ?? 500;
    this.unsubscribe = options.db.subscribe((event) => this.onDatabaseEvent(event));
    this.heartbeat = setInterval(() => this.broadcastAll(STREAM_HEARTBEAT), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.memberships.size;
  }

  /**
   * Makes the user's groups ready (their cursors fixed) and joins them. Call before answering
   * the request; throws when the database cannot be read (answer 503 then).
   */
  async join(client: StreamClient): Promise<void> {
    const scopes = readScopes(client.actor);
    const view = scopes === 'all' ? 'all' : JSON.stringify([...scopes].sort());
    const groups = this.options.collections.map((collection) => this.groupOf(collection, scopes, view));
    try {
      await Promise.all(groups.map((group) => group.ready));
      if (this.closed) throw new Error('the server is stopping');
    } catch (error) {
      // Groups made for this workstation alone are not kept.
      for (const group of groups) if (group.members.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
      throw error;
    }
    for (const group of groups) {
      // A group left by all its members while this one waited is put back: its cursor is still
      // a position at or before the end of the feed.
      if (this.groups.get(group.key) !== group) this.groups.set(group.key, group);
      group.members.add(client);
    }
    this.memberships.set(client, groups);
  }

  /** The workstation went away (or was dropped). */
  remove(client: StreamClient): void {
    const joined = this.memberships.get(client);
    if (!joined) return;
    this.memberships.delete(client);
    for (const group of joined) {
      group.members.delete(client);
      if (group.members.size === 0 && this.groups.get(group.key) === group) {
        this.groups.delete(group.key);
        if (group.retry) clearTimeout(group.retry);
      }
    }
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const group of this.groups.values()) if (group.retry) clearTimeout(group.retry);
    for (const client of [...this.memberships.keys()]) {
      this.remove(client);
      client.end();
    }
  }

  private groupOf(collection: string, scopes: readonly Scope[] | 'all', view: string): Group {
    const key = `${collection}\u0000${view}`;
    const existing = this.groups.get(key);
    if (existing) return existing;
    const group: Group = {
      key,
      collection,
      scopes,
      members: new Set(),
      cursor: null,
      ready: Promise.resolve(),
      isReady: false,
      running: false,
      again: false,
      retry: null,
    };
    group.ready = this.endOfFeed(collection).then(
      (updatedAt) => {
        group.cursor = updatedAt === null ? null : after(updatedAt);
        group.isReady = true;
        if (group.again) this.schedule(group);
      },
      (error: unknown) => {
        // The next workstation to connect tries again.
        if (this.groups.get(key) === group) this.groups.delete(key);
        throw error;
      },
    );
    this.groups.set(key, group);
    return group;
  }

  /** The largest updatedAt of the collection's feed (null: empty), as far as this process knows. */
  private async endOfFeed(collection: string): Promise<number | null> {
    let search = this.searches.get(collection);
    if (!search) {
      search = findEndOfFeed(this.options.db, collection);
      this.searches.set(collection, search);
      search.catch(() => this.searches.delete(collection));
    }
    const found = await search;
    const heard = this.heard.get(collection);
    if (heard === undefined) return found;
    return found === null ? heard : Math.max(found, heard);
  }

  private onDatabaseEvent(event: DatabaseEvent): void {
    if (this.closed) return;
    if (event.type === 'resync') {
      // Commits may have gone unheard: every workstation pulls from its own checkpoint, and
      // every group catches up from its cursor.
      this.options.log.info({ streams: this.memberships.size }, 'database events may have been missed: every stream resyncs');
      this.broadcastAll(encodeStreamEvent({ type: 'resync' }));
      for (const group of this.groups.values()) this.schedule(group);
      return;
    }
    this.heard.set(event.collection, Math.max(this.heard.get(event.collection) ?? event.updatedAt, event.updatedAt));
    for (const group of this.groups.values()) if (group.collection === event.collection) this.schedule(group);
  }

  private schedule(group: Group): void {
    if (group.running || !group.isReady) {
      group.again = true;
      return;
    }
    if (group.retry) {
      clearTimeout(group.retry);
      group.retry = null;
    }
    group.running = true;
    void this.run(group).finally(() => {
      group.running = false;
      if (group.again && !this.closed) this.schedule(group);
    });
  }

  /** Sends everything after the group's cursor, page by page, until nothing is left. */
  private async run(group: Group): Promise<void> {
    group.again = false;
    try {
      for (;;) {
        if (group.members.size === 0 || this.closed) return;
        const page = await pullPage(
          this.options.db,
          group.collection,
          group.cursor,
          this.pageLimit,
          { scopes: group.scopes, tombstone: councilTombstone(group.collection) },
          this.options.pullByteBudget,
        );
        if (page.documents.length === 0 || page.checkpoint === null) return;
        group.cursor = page.checkpoint;
        const event: StreamEvent<string> = { type: 'changes', collection: group.collection, documents: page.documents, checkpoint: page.checkpoint };
        this.broadcast(group, encodeStreamEvent(event));
        if (!page.more) return;
      }
    } catch (error) {
      // The cursor is still right: what was not sent is after it. Try again shortly (the next
      // commit, or the database's own resync after an outage, may come first).
      this.options.log.warn({ err: error, collection: group.collection }, 'a change stream could not read the database');
      if (!this.closed && group.members.size > 0) {
        group.retry = setTimeout(() => {
          group.retry = null;
          this.schedule(group);
        }, this.options.retryMs ?? 1_000);
        group.retry.unref();
      }
    }
  }

  private broadcast(group: Group, text: string): void {
    for (const client of [...group.members]) this.send(client, text);
  }

  private broadcastAll(text: string): void {
    for (const client of [...this.memberships.keys()]) this.send(client, text);
  }

  send(client: StreamClient, text: string): void {
    if (client.write(text)) return;
    this.options.log.warn({ userId: client.actor.userId }, 'a workstation fell too far behind its change stream: dropped');
    this.remove(client);
    client.end();
  }
}

/**
 * The largest updatedAt in a collection (null when it is empty): the smallest t with nothing
 * after (t, every id), by galloping past the clock and then bisecting. Each question is one
 * index range read of one row; about 2 × log2(ms since the first document) of them, once per
 * collection and process.
 */
export async function findEndOfFeed(db: ServerDatabase, collection: string, now = Date.now()): Promise<number | null> {
  const first = await db.pull(collection, null, 1);
  if (first.checkpoint === null) return null;
  const anythingAfter = async (updatedAt: number) => (await db.pull(collection, after(updatedAt), 1)).documents.length > 0;
  // Invariant: something after `low`, nothing after `high`.
  let low = first.checkpoint.updatedAt - 1;
  let high = Math.max(now, low + 1);
  for (let step = 1; await anythingAfter(high); step *= 2) {
    low = high;
    high += step;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await anythingAfter(middle)) low = middle;
    else high = middle;
  }
  return high;
}
