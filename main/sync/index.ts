// The workstation's replication with the central server. Design notes: ./README.md.
export { startSync, DEFAULT_REPLICATION_IDENTIFIER, type StartSyncOptions, type SyncHandle, type SyncReplications, type RefusedPush, type SyncProblem } from './start-sync';
export type { SyncState, SyncStatus } from './sync-status';
export { SyncError, isSyncError, spanishMessage, type SyncErrorCode, type SyncErrorKind } from './sync-errors';
export type { AuthState } from './auth-session';
export { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export type { FetchFunction } from './server-client';
