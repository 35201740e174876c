// The app API: everything the screens ask of the workstation service that is not a database
// query (STYLE.md, "One contract per boundary"). One typed map, implemented once in main/host;
// the Electron IPC and the web host's WebSocket are thin transports over the same handlers, and
// renderer/platform reaches it through `Platform.call`. Channel names read `domain:verb`.
//
// Every answer is a Result: `{ok: true, value}` or `{ok: false, error: {code, message}}`.
// Payloads are validated on the receiving side (main/host) with the validators of this folder.
import type { Result } from '../sync/api-result';

/** Why a call failed, for programs; `message` says it for people, in the clerk's language. */
export const APP_ERROR_CODES = [
  'bad_request',
  'not_signed_in',
  'invalid_credentials',
  'server_unreachable',
  'bad_server_address',
  'rate_limited',
  'not_found',
  'forbidden',
  'internal',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type AppError = { code: AppErrorCode; message: string };
export type AppResult<T> = Result<T, AppError>;

export type Language = 'es' | 'en';
export type UserRole = 'clerk' | 'supervisor' | 'admin';

/** Who works at this workstation, and against what. */
export type Session =
  | { state: 'signed-out'; /** The last server address used, to prefill the sign-in form. */ lastServerUrl?: string }
  | {
      state: 'signed-in';
      /** 'central': replicating with a server; 'local': a standalone office, this PC only. */
      mode: 'central' | 'local';
      serverUrl?: string;
      user: { id: string; name: string; email: string; role: UserRole; departmentIds: string[] };
      /**
       * The local database's name: the renderer opens an RxDatabase of this name over the remote
       * storage (`Platform.openDatabase`). Changes when another clerk signs in.
       */
      databaseName: string;
    };

export type SyncStatusView = {
  state: 'online' | 'offline' | 'signed-out' | 'error' | 'local-only';
  offlineSince?: number;
  pendingPushes: number;
  lastSyncAt?: number;
  liveUpdates: boolean;
  /** The last error in words (Spanish), kept after recovery with its time. */
  lastError?: string;
  lastErrorAt?: number;
};

export type TicketSearchHit = {
  ticketId: string;
  source: 'ticket' | 'message';
  documentId: string;
  /** Matched words between SNIPPET_MARK.start and .end (\u0002 … \u0003). */
  snippet: string;
  score: number;
};
export const SNIPPET_MARK = { start: '\u0002', end: '\u0003' } as const;

/** Who else is on a ticket right now (only while online). */
export type PresenceEntry = { ticketId: string; userId: string; userName: string; activity: 'viewing' | 'replying'; since: number };

export type Settings = { language: Language };

/** The map: channel → (argument) → value. */
export type AppApi = {
  'session:get': (a: Record<string, never>) => Session;
  /** Signs in against a central server; the first time, the replica starts filling. */
  'session:sign-in': (a: { serverUrl: string; email: string; password: string }) => Session;
  /** A standalone office: no server, everything on this PC. */
  'session:work-locally': (a: { name: string; email: string }) => Session;
  'session:sign-out': (a: Record<string, never>) => Session;
  'sync:status': (a: Record<string, never>) => SyncStatusView;
  /** Tries the central server now instead of when the backoff says (a "Reintentar" button). */
  'sync:retry-now': (a: Record<string, never>) => SyncStatusView;
  'search:tickets': (a: { text: string; limit?: number }) => TicketSearchHit[];
  /** Says what this clerk is doing on a ticket (null: nothing), for the others' presence. */
  'presence:announce': (a: { ticketId: string | null; activity: 'viewing' | 'replying' }) => null;
  'settings:get': (a: Record<string, never>) => Settings;
  'settings:set': (a: Partial<Settings>) => Settings;
};
export type AppChannel = keyof AppApi;
export type AppArg<K extends AppChannel> = Parameters<AppApi[K]>[0];
export type AppValue<K extends AppChannel> = ReturnType<AppApi[K]>;

/** What the service pushes to the screens without being asked. */
export type AppEvents = {
  session: Session;
  'sync:status': SyncStatusView;
  presence: PresenceEntry[];
  /**
   * Another clerk (or a rule) assigned a ticket to the signed-in clerk; arrives by replication.
   * The Electron shell turns it into a native notification.
   */
  'ticket:assigned': TicketAssigned;
};

export type TicketAssigned = { ticketId: string; reference: string; subject: string; assignedBy?: string };
export type AppEvent = keyof AppEvents;
