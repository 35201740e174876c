// The one message protocol between the screens and the workstation service. One transport
// carries everything — an Electron MessagePort in the app, the web host's WebSocket in a browser —
// and on it two kinds of traffic: the app API (calls, their results, events) and RxDB's
// remote-storage messages, each storage channel (one per RxDatabase the screens open) numbered
// by the screens so that the service can give it its own view and release it on close
// (shared/NOTES.md, "RxDB remote storage between the service and the screens").
//
// Messages are plain JSON objects, sent as JSON text. The service checks every message it
// receives with `checkClientMessage` (client-message-check.ts, kept apart so that ajv stays out of
// the screens' bundle; and each call's argument with app-api/checks.ts); the
// screens check the envelope of what they receive with `isServiceMessage` (no ajv there: the
// screens' CSP forbids the code generation ajv relies on).
import type { AppEvent, AppResult } from './index';

/** What RxDB's remote storage sends to the service (rxdb/plugins/storage-remote `MessageToRemote`). */
export type StorageRequest = {
  connectionId: string;
  requestId: string;
  method: string;
  version: string;
  params: unknown;
};

/** What the service's storage answers (`MessageFromRemote`). */
export type StorageAnswer = {
  connectionId: string;
  answerTo: string;
  method: string;
  error?: unknown;
  return?: unknown;
};

export type ClientMessage =
  | { t: 'call'; id: number; channel: string; arg: unknown }
  /** Opens storage channel `channel` (a number the screens choose, unique on this transport). */
  | { t: 'storage-open'; channel: number }
  | { t: 'storage'; channel: number; message: StorageRequest }
  | { t: 'storage-close'; channel: number };

export type ServiceMessage =
  | { t: 'result'; id: number; result: AppResult<unknown> }
  | { t: 'event'; event: AppEvent; value: unknown }
  | { t: 'storage'; channel: number; message: StorageAnswer }
  /** The service ended a storage channel (the clerk signed out, the database closed). */
  | { t: 'storage-closed'; channel: number; reason: string };

/**
 * The RxStorageInstance methods a screen may call over the remote storage. `remove` (drops a
 * collection's data) and `cleanup` (purges deleted documents before they replicate) are the
 * service's alone; `custom` has no handler.
 */
export const STORAGE_METHODS_ALLOWED = [
  'create',
  'bulkWrite',
  'findDocumentsById',
  'query',
  'count',
  'info',
  'getAttachmentData',
  'getChangedDocumentsSince',
  'close',
] as const;

/** The largest message the service reads (a bulk write of a few hundred messages fits). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The screens' check of what the service sent: the envelope's shape (the service is trusted for the rest). */
export function isServiceMessage(value: unknown): value is ServiceMessage {
  if (!isObject(value)) return false;
  switch (value.t) {
    case 'result':
      return typeof value.id === 'number' && isObject(value.result) && typeof value.result.ok === 'boolean';
    case 'event':
      return typeof value.event === 'string' && 'value' in value;
    case 'storage':
      return typeof value.channel === 'number' && isObject(value.message) && typeof value.message.connectionId === 'string';
    case 'storage-closed':
      return typeof value.channel === 'number' && typeof value.reason === 'string';
    default:
      return false;
  }
}

/**
 * How a screen proves, in the WebSocket handshake, that the web host started it: the page gets
 * the per-start secret in its URL fragment (never sent to any server, never in a log) and offers
 * it as a second WebSocket subprotocol; the host answers with {@link WEB_SUBPROTOCOL}.
 */
export const WEB_SUBPROTOCOL = 'ventanilla.v1';
export const SECRET_SUBPROTOCOL_PREFIX = 'ventanilla.secret.';
