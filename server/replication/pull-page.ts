/**
 * One page of a pull, for the pull route and the change stream alike: at most `limit` documents
 * after the checkpoint in `(updatedAt, id)` order, scoped to the user, and at most about
 * `byteBudget` bytes of JSON — a page of 1,000 messages of several megabytes each would otherwise
 * be gigabytes. When a page is over budget it is read again with the number of documents that
 * fit (at least one): the first k documents after a checkpoint are a page of their own, with the
 * checkpoint of the k-th, so the client's paging stays exact.
 */
import type { PullOptions, ReplicationCheckpoint, ReplicationPullResult, ServerDatabase } from '../db/index';

/**
 * 32 MiB: 500 tickets or ordinary messages fit many times over; only pages of unusually large
 * messages (HTML mail of megabytes) are cut. RxDB's downstream ends a pull at a page shorter than
 * its batch size, so a client's pull handler asks again until it has a full page or an empty one
 * (docs/replication-api.md).
 */
export const PULL_BYTE_BUDGET = 32 * 1024 * 1024;

/** A change stream event: smaller, so one event never holds a slow connection for long. */
export const STREAM_EVENT_BYTE_BUDGET = 8 * 1024 * 1024;

export type PulledPage = ReplicationPullResult & {
  json: string;
  /** Whether more documents may follow (the page is full, or was cut to fit the budget). */
  more: boolean;
};

export async function pullPage(
  db: ServerDatabase,
  collection: string,
  checkpoint: ReplicationCheckpoint | null,
  limit: number,
  options: PullOptions,
  byteBudget = PULL_BYTE_BUDGET,
): Promise<PulledPage> {
  let page = await db.pull(collection, checkpoint, limit, options);
  let json = JSON.stringify(page);
  let more = page.documents.length >= limit;
  while (Buffer.byteLength(json) > byteBudget && page.documents.length > 1) {
    let bytes = 0;
    let fit = 0;
    for (const document of page.documents) {
      bytes += Buffer.byteLength(JSON.stringify(document)) + 1;
      if (bytes > byteBudget && fit > 0) break;
      fit++;
    }
    // Always fewer than before, so this ends.
    page = await db.pull(collection, checkpoint, Math.min(fit, page.documents.length - 1), options);
    json = JSON.stringify(page);
    more = true;
  }
  return { ...page, json, more };
}
