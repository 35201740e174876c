// The app API: everything the screens ask of the workstation service that is not a database
// query (STYLE.md, "One contract per boundary"). One typed map, implemented once in main/host;
// the Electron IPC and the web host's WebSocket are thin transports over the same handlers, and
// renderer/platform reaches it through `Platform.call`. Channel names read `domain:verb`.
//
// Every answer is a Result: `{ok: true, value}` or `{ok: false, error: {code, message}}`.
// Payloads are validated on the receiving side (main/host) with the validators of this folder.
import type { Result } from '../sync/api-result';
import type { ScreenLogAnswer, ScreenLogEntry } from './screen-log';

export type { ScreenLogAnswer, ScreenLogEntry, ScreenLogLevel } from './screen-log';

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
      /**
       * This workstation's own stable id (not the clerk's): replies the screens queue carry it
       * in `outbox.workstationId`, and this workstation's outbox sends them.
       */
      workstationId: string;
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

/**
 * Whether the full-text index has every change of the replica (main/store/search-index.ts). After
 * a first replica or a long offline spell it trails by seconds to minutes, and a search finds only
 * what is indexed so far: the screens say so. `behindSince`: ms since the epoch; `remaining`: about
 * how many tickets and messages are left to index, once the index has counted them. Signed out:
 * caught up (there is nothing to search).
 */
export type SearchIndexStatusView = { caughtUp: boolean; behindSince?: number; remaining?: number };

/** Who else is on a ticket right now (only while online). */
export type PresenceEntry = { ticketId: string; userId: string; userName: string; activity: 'viewing' | 'replying'; since: number };

export type Settings = {
  language: Language;
  /**
   * The council's name, signed at the foot of automatic answers ({{council.name}}). Until it is
   * set, automatic answers whose template signs with it are not sent (the log says why).
   */
  councilName?: string;
};

export type MailSecurity = 'tls' | 'starttls' | 'none';

/** How an account sends (SMTP submission). */
export type SmtpSettingsView = { host: string; port: number; security: MailSecurity; user: string };

/** A mailbox account as the settings screen shows it; never a password. */
export type MailAccountView = {
  id: string;
  name: string;
  /** The council's address of this mailbox. */
  address: string;
  host: string;
  port: number;
  security: MailSecurity;
  user: string;
  folder: string;
  /** '' = the general intake queue. */
  defaultDepartmentId: string;
  enabled: boolean;
  hasPassword: boolean;
  smtp: SmtpSettingsView;
  /** false: the account sends with defaults derived from its IMAP settings. */
  smtpConfigured: boolean;
  smtpHasPassword: boolean;
};

/** What the settings screen sends to add or change an account. A password left out keeps the one stored. */
export type MailAccountForm = {
  id?: string;
  name: string;
  address: string;
  host: string;
  port: number;
  security: MailSecurity;
  user: string;
  password?: string;
  folder?: string;
  defaultDepartmentId: string;
  enabled?: boolean;
  smtp: SmtpSettingsView & { password?: string };
};

export type ConnectionCheck = { ok: boolean; message: string };
export type MailConnectionTest = { imap: ConnectionCheck; smtp: ConnectionCheck };

export type MailAccountStatusView = {
  accountId: string;
  state: string;
  connected: boolean;
  lastError?: string;
  lastErrorAt?: number;
  lastFetchAt?: number;
  /** Back-fill: n of m messages of the current (or last) pass. */
  progress?: { done: number; total: number };
};

export type OutboxItemView = { id: string; ticketId: string; subject: string; to: string[]; state: 'queued' | 'sending' | 'sent' | 'failed'; attempts: number; nextAttemptAt?: number; error?: string };
export type OutboxView = { queued: number; sending: number; failed: number; mailServer: 'unknown' | 'reachable' | 'unreachable'; lastError?: string; items: OutboxItemView[] };

/** The mail channel of this workstation, for the settings screen and the status bar. */
export type MailStatusView = {
  /** false while signed out. */
  running: boolean;
  accounts: MailAccountStatusView[];
  /** Mail fetched and not yet turned into tickets. */
  pending: number;
  quarantined: number;
  lastError?: string;
  lastErrorAt?: number;
  outbox: OutboxView;
};

export type QuarantineView = { spoolId: number; accountId: string; folder: string; uid: number; receivedAt: number; size: number; reason: string; quarantinedAt: number };

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
  /** Whether the search index has caught up with the replica; cheap (no query), ask at every search. */
  'search:status': (a: Record<string, never>) => SearchIndexStatusView;
  /** The citizens whose card lists this phone (E.164) or address (lower case): ids, at most 50. */
  'citizens:by-contact': (a: { kind: 'phone' | 'email'; value: string }) => string[];
  /** Says what this clerk is doing on a ticket (null: nothing), for the others' presence. */
  'presence:announce': (a: { ticketId: string | null; activity: 'viewing' | 'replying' }) => null;
  'settings:get': (a: Record<string, never>) => Settings;
  'settings:set': (a: Partial<Settings>) => Settings;
  /** Mailbox accounts of this workstation (supervisors and administrators). */
  'mail:accounts': (a: Record<string, never>) => MailAccountView[];
  'mail:save-account': (a: MailAccountForm) => MailAccountView;
  'mail:remove-account': (a: { id: string }) => null;
  /** Connects to the IMAP and SMTP servers of an account as the form has it, and says what happened. */
  'mail:test-account': (a: MailAccountForm) => MailConnectionTest;
  'mail:sync-now': (a: { accountId?: string }) => MailStatusView;
  'mail:status': (a: Record<string, never>) => MailStatusView;
  'mail:quarantine': (a: { limit?: number }) => QuarantineView[];
  /** Puts a quarantined mail back in line (after the cause is fixed). */
  'mail:quarantine-retry': (a: { spoolId: number }) => QuarantineView[];
  'mail:outbox-retry': (a: { id: string }) => MailStatusView;
  'mail:outbox-send-now': (a: Record<string, never>) => MailStatusView;
  /** A screen's line for the service's log (errors it met, its uncaught errors); rate-limited (screen-log.ts). */
  'log:write': (a: ScreenLogEntry) => ScreenLogAnswer;
};
export type AppChannel = keyof AppApi;
export type AppArg<K extends AppChannel> = Parameters<AppApi[K]>[0];
export type AppValue<K extends AppChannel> = ReturnType<AppApi[K]>;

/** What the service pushes to the screens without being asked. */
export type AppEvents = {
  session: Session;
  'sync:status': SyncStatusView;
  /** The search index fell behind the replica (after a short grace), caught up, or counted what is left (at most every second). */
  'search:status': SearchIndexStatusView;
  presence: PresenceEntry[];
  /**
   * Another clerk (or a rule) assigned a ticket to the signed-in clerk; arrives by replication.
   * The Electron shell turns it into a native notification.
   */
  'ticket:assigned': TicketAssigned;
  /**
   * Tickets of a signed-in supervisor's departments became near due or overdue (watched in the
   * service, main/host/escalation-watch.ts): a notice per ticket, or one summary for many.
   */
  'ticket:escalated': TicketEscalation;
  /** The mail channel and outbox changed (accounts' state, back-fill progress, outbox). */
  'mail:status': MailStatusView;
};

export type TicketAssigned = { ticketId: string; reference: string; subject: string; assignedBy?: string };

export type TicketEscalation = {
  level: 'near' | 'overdue';
  departmentId: string;
  /** As shown on screen; the id when the department is not in the replica. */
  departmentName: string;
  /** How many tickets the notice stands for: 1 for a ticket, more for a summary. */
  count: number;
  /** The ticket, when the notice is about one; absent in a summary. */
  ticket?: { ticketId: string; reference: string; subject: string; dueAt: number };
};
export type AppEvent = keyof AppEvents;
