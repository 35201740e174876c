/**
 * The replication wire types this layer speaks, from core/sync/replication-protocol.ts (the
 * file the server and the workstation share, STYLE.md), under the names of this layer's API.
 */
import type { DocumentState, PullResponse, PushRow } from '../../core/sync/replication-protocol';

export type { ReplicationCheckpoint } from '../../core/sync/replication-protocol';

/** A document as it travels: the client's body with `_deleted`, never any server field. */
export type ReplicatedDocument = DocumentState;

/** One row of an RxDB push: the state the client believes the server holds, and the new one. */
export type ReplicationPushRow = PushRow;

/** Documents after the checkpoint, and the checkpoint of the last (or the one asked for). */
export type ReplicationPullResult = PullResponse;
