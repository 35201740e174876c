/**
 * The durable spool of received mail (issue 5): every raw message goes here first, as a file on
 * disk and a row in an SQLite database of its own (better-sqlite3, WAL), before it is parsed and
 * becomes documents. The fetcher appends; the processor marks rows done, duplicate or quarantined.
 * A crash at any step resumes from here: a message is fetched again only if its row was never
 * committed, and documents are written again only if its row was never marked done — and those
 * writes are idempotent (deterministic ids), so nothing is lost and nothing doubled.
 *
 * Also here, per account and folder: UIDVALIDITY, the last UID taken and the HIGHESTMODSEQ seen
 * (CONDSTORE), read with `safeIntegers` because imapflow gives UIDVALIDITY and MODSEQ as BigInt
 * (63-bit MODSEQs do not fit a double).
 * One writer per store (STYLE.md): only main/mail opens this file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SpoolDurability = 'full' | 'normal';

export type FolderState = {
  uidValidity: bigint;
  /** Every UID up to this one has been spooled (or was not there). */
  lastUid: number;
  highestModseq?: bigint;
};

export type SpoolState = 'fetched' | 'done' | 'duplicate' | 'quarantined';

export type SpoolEntry = {
  id: number;
  accountId: string;
  folder: string;
  uidValidity: bigint;
  uid: number;
  /** INTERNALDATE, ms. */
  internalDate: number;
  size: number;
  /** Absolute path of the raw message. */
  rawFile: string;
  state: SpoolState;
  attempts: number;
};

/** A message the fetcher has written to disk, to be recorded. */
export type SpooledMessage = { uid: number; internalDate: number; size: number; rawFile: string };

export type QuarantineEntry = {
  spoolId: number;
  accountId: string;
  folder: string;
  uid: number;
  internalDate: number;
  size: number;
  rawFile: string;
  reason: string;
  quarantinedAt: number;
};

/** A message that has become documents, in the order they were written (AfterIngest's feed). */
export type FinishedEntry = {
  id: number;
  accountId: string;
  rawFile: string;
  messageDocId: string;
  ticketId: string;
  finishedAt: number;
  internalDate: number;
};

/** Where a reader of finished rows stands: the last row it handled, by (finished_at, id). */
export type FinishedCursor = { finishedAt: number; id: number };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS folders (
  account_id TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  last_uid INTEGER NOT NULL,
  highest_modseq INTEGER,
  PRIMARY KEY (account_id, folder)
) STRICT;
CREATE TABLE IF NOT EXISTS spool (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  internal_date INTEGER NOT NULL,
  size INTEGER NOT NULL,
  raw_file TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'fetched' CHECK (state IN ('fetched', 'done', 'duplicate', 'quarantined')),
  -- 0: new mail, processed first; 1: back-fill (a pass that found more than one batch).
  priority INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  message_doc_id TEXT,
  ticket_id TEXT,
  spooled_at INTEGER NOT NULL,
  finished_at INTEGER,
  raw_pruned_at INTEGER,
  UNIQUE (account_id, folder, uid_validity, uid)
) STRICT;
CREATE INDEX IF NOT EXISTS spool_by_state ON spool (state, priority, id);
CREATE INDEX IF NOT EXISTS spool_by_finished ON spool (finished_at, id) WHERE state IN ('done', 'duplicate');
CREATE TABLE IF NOT EXISTS quarantine (
  spool_id INTEGER PRIMARY KEY REFERENCES spool (id),
  reason TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;

/**
 * How many rows are in each state, kept by triggers in the same transactions as the rows: the
 * status the service publishes after every batch asks for these, and counting the spool itself
 * grows with it (15–33 ms at 100,000 rows, twice a batch: a third of a millisecond a message of
 * the service's thread by the end of a back-fill).
 */
const COUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS spool_counts (
  state TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS spool_counts_insert AFTER INSERT ON spool BEGIN
  INSERT INTO spool_counts (state, n) VALUES (NEW.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS spool_counts_update AFTER UPDATE OF state ON spool WHEN OLD.state IS NOT NEW.state BEGIN
  UPDATE spool_counts SET n = n - 1 WHERE state = OLD.state;
  INSERT INTO spool_counts (state, n) VALUES (NEW.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS spool_counts_delete AFTER DELETE ON spool BEGIN
  UPDATE spool_counts SET n = n - 1 WHERE state = OLD.state;
END;
`;

type SpoolRow = {
  id: number;
  account_id: string;
  folder: string;
  uid_validity: bigint;
  uid: number;
  internal_date: number;
  size: number;
  raw_file: string;
  state: SpoolState;
  attempts: number;
};

/** How many times the processor tries a message before it quarantines it for good. */
export const MAX_ATTEMPTS = 3;

export class MailSpool {
  readonly db: Database.Database;
  /** Where raw messages live: `<directory>/raw/<account>/<folder>/<uidvalidity>-<uid>.eml`. */
  readonly rawDirectory: string;
  private readonly listeners = new Set<() => void>();
  /** Statements of the calls made per batch or per status, prepared once: preparing cost about as much as running them. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly directory: string,
    readonly durability: SpoolDurability,
  ) {
    mkdirSync(directory, { recursive: true });
    this.rawDirectory = path.join(directory, 'raw');
    this.db = new Database(path.join(directory, 'spool.sqlite'), { timeout: 5_000 });
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`The mail spool ${directory} cannot use WAL journaling (got ${String(mode)})`);
    this.db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(SCHEMA);
    // Spools made before raw files were pruned lack the column (SQLite adds it in place).
    const columns = this.db.prepare('PRAGMA table_info(spool)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'raw_pruned_at')) this.db.exec('ALTER TABLE spool ADD COLUMN raw_pruned_at INTEGER');
    this.db.exec(`CREATE INDEX IF NOT EXISTS spool_prunable ON spool (finished_at, id) WHERE raw_pruned_at IS NULL AND state IN ('done', 'duplicate')`);
    // Spools made before the counts were kept count their rows once, with the triggers made in
    // the same transaction (a crash in between leaves neither).
    if (!this.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'spool_counts'`).get()) {
      this.db.transaction(() => {
        this.db.exec(COUNTS_SCHEMA);
        this.db.exec('INSERT INTO spool_counts (state, n) SELECT state, count(*) FROM spool GROUP BY state');
      })();
    }
    // Spools made before the workstation's contact index answered "which citizens list this
    // address" (citizen-directory.ts) kept their own copy of it: gone, with its checkpoint.
    this.db.exec("DROP TABLE IF EXISTS citizen_emails; DELETE FROM meta WHERE key = 'citizen-lookup-checkpoint';");
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** Opens (creating when missing) the spool in `directory`, e.g. `<dataDir>/mail`. */
  static open(directory: string, durability: SpoolDurability = 'full'): MailSpool {
    return new MailSpool(directory, durability);
  }

  /** False once closed (the channel stopped): readers that run late check it first. */
  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /** Called whenever new rows are spooled (the processor's wake-up). */
  onSpooled(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  folderState(accountId: string, folder: string): FolderState | undefined {
    const row = this.db
      .prepare('SELECT uid_validity, last_uid, highest_modseq FROM folders WHERE account_id = ? AND folder = ?')
      .safeIntegers(true)
      .get(accountId, folder) as { uid_validity: bigint; last_uid: bigint; highest_modseq: bigint | null } | undefined;
    if (!row) return undefined;
    return { uidValidity: row.uid_validity, lastUid: Number(row.last_uid), ...(row.highest_modseq !== null && { highestModseq: row.highest_modseq }) };
  }

  /**
   * Starts a folder over at a new UIDVALIDITY (a new account, or the server renumbered the folder):
   * every UID is taken again from 1. What was already ingested is recognised by its Message-ID,
   * so nothing doubles; rows of the old UIDVALIDITY stay as the record.
   */
  resetFolder(accountId: string, folder: string, uidValidity: bigint): void {
    this.db
      .prepare(
        `INSERT INTO folders (account_id, folder, uid_validity, last_uid, highest_modseq) VALUES (?, ?, ?, 0, NULL)
         ON CONFLICT (account_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = 0, highest_modseq = NULL`,
      )
      .run(accountId, folder, uidValidity);
  }

  /** Remembers the HIGHESTMODSEQ of a folder whose every message up to `lastUid` is spooled. */
  setHighestModseq(accountId: string, folder: string, highestModseq: bigint): void {
    this.db.prepare('UPDATE folders SET highest_modseq = ? WHERE account_id = ? AND folder = ?').run(highestModseq, accountId, folder);
  }

  /** The path a raw message is written to before it is recorded. */
  rawFileOf(accountId: string, folder: string, uidValidity: bigint, uid: number): string {
    return path.join(this.rawDirectory, encodeURIComponent(accountId), encodeURIComponent(folder), `${uidValidity}-${uid}.eml`);
  }

  /**
   * Records a batch of messages already written to disk (and fsynced, with 'full' durability) and
   * moves the folder's last UID to `lastUid`, in one transaction: either the whole batch and the
   * new mark are kept, or neither. A message recorded before (a fetch repeated after a crash
   * between the files and this commit) keeps its row.
   */
  record(accountId: string, folder: string, uidValidity: bigint, messages: readonly SpooledMessage[], lastUid: number, options: { backfill?: boolean; now?: number } = {}): number {
    const now = options.now ?? Date.now();
    const insert = this.statement(
      `INSERT INTO spool (account_id, folder, uid_validity, uid, internal_date, size, raw_file, priority, spooled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, folder, uid_validity, uid) DO NOTHING`,
    );
    const mark = this.statement('UPDATE folders SET last_uid = max(last_uid, ?) WHERE account_id = ? AND folder = ? AND uid_validity = ?');
    let added = 0;
    this.db.transaction(() => {
      for (const message of messages) {
        added += insert.run(accountId, folder, uidValidity, message.uid, message.internalDate, message.size, message.rawFile, options.backfill ? 1 : 0, now).changes;
      }
      const moved = mark.run(lastUid, accountId, folder, uidValidity).changes;
      if (moved !== 1) throw new Error(`The folder ${folder} of account ${accountId} changed UIDVALIDITY while it was being fetched`);
    })();
    if (added > 0) for (const listener of [...this.listeners]) listener();
    return added;
  }

  /** UIDs of a folder already spooled, among `uids` (new mail taken ahead of a back-fill). */
  spooledUids(accountId: string, folder: string, uidValidity: bigint, uids: readonly number[]): Set<number> {
    if (uids.length === 0) return new Set();
    const rows = this.statement(`SELECT uid FROM spool WHERE account_id = ? AND folder = ? AND uid_validity = ? AND uid >= ? AND uid <= ?`).all(accountId, folder, uidValidity, Math.min(...uids), Math.max(...uids)) as { uid: number }[];
    return new Set(rows.map((row) => row.uid));
  }

  /**
   * The messages to turn into documents next: new mail first, then the back-fill, each oldest
   * first — so a week of back-fill never holds up what arrives now.
   */
  pending(limit: number): SpoolEntry[] {
    const rows = this.statement(`SELECT id, account_id, folder, uid_validity, uid, internal_date, size, raw_file, state, attempts FROM spool WHERE state = 'fetched' ORDER BY priority, id LIMIT ?`)
      .safeIntegers(true)
      .all(limit) as Record<keyof SpoolRow, bigint | string>[];
    return rows.map((row) => ({
      id: Number(row.id),
      accountId: String(row.account_id),
      folder: String(row.folder),
      uidValidity: BigInt(row.uid_validity),
      uid: Number(row.uid),
      internalDate: Number(row.internal_date),
      size: Number(row.size),
      rawFile: String(row.raw_file),
      state: row.state as SpoolState,
      attempts: Number(row.attempts),
    }));
  }

  countPending(): number {
    return (this.statement(`SELECT n FROM spool_counts WHERE state = 'fetched'`).get() as { n: number } | undefined)?.n ?? 0;
  }

  /** Counts by state, for the status and the tests (kept by triggers: no count over the spool). */
  counts(): Record<SpoolState, number> {
    const counts: Record<SpoolState, number> = { fetched: 0, done: 0, duplicate: 0, quarantined: 0 };
    for (const row of this.statement('SELECT state, n FROM spool_counts').all() as { state: SpoolState; n: number }[]) counts[row.state] = row.n;
    return counts;
  }

  /** Marks messages as turned into documents (or found already there), in one transaction. */
  finish(outcomes: readonly { id: number; state: 'done' | 'duplicate'; messageDocId: string; ticketId: string }[], now: number = Date.now()): void {
    const update = this.statement(`UPDATE spool SET state = ?, message_doc_id = ?, ticket_id = ?, finished_at = ? WHERE id = ? AND state = 'fetched'`);
    this.db.transaction(() => {
      for (const outcome of outcomes) update.run(outcome.state, outcome.messageDocId, outcome.ticketId, now, outcome.id);
    })();
  }

  /** Counts a failed attempt; returns how many there have been. */
  failedAttempt(id: number): number {
    return (this.db.prepare('UPDATE spool SET attempts = attempts + 1 WHERE id = ? RETURNING attempts').get(id) as { attempts: number }).attempts;
  }

  /** Sets a message aside, raw, with the reason: a supervisor sees it in the quarantine. */
  quarantine(id: number, reason: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE spool SET state = 'quarantined', finished_at = ? WHERE id = ?`).run(now, id);
      this.db
        .prepare('INSERT INTO quarantine (spool_id, reason, quarantined_at) VALUES (?, ?, ?) ON CONFLICT (spool_id) DO UPDATE SET reason = excluded.reason')
        .run(id, reason.slice(0, 2000), now);
    })();
  }

  quarantined(limit = 1000): QuarantineEntry[] {
    return (
      this.db
        .prepare(
          `SELECT q.spool_id AS spoolId, s.account_id AS accountId, s.folder, s.uid, s.internal_date AS internalDate, s.size, s.raw_file AS rawFile,
                  q.reason, q.quarantined_at AS quarantinedAt
           FROM quarantine q JOIN spool s ON s.id = q.spool_id ORDER BY q.quarantined_at DESC, q.spool_id DESC LIMIT ?`,
        )
        .all(limit) as QuarantineEntry[]
    ).map((row) => ({ ...row, uid: Number(row.uid) }));
  }

  /** Puts a quarantined message back in line (after the parser was fixed, or by a supervisor). */
  retryQuarantined(spoolId: number): boolean {
    let changed = false;
    this.db.transaction(() => {
      changed = this.db.prepare(`UPDATE spool SET state = 'fetched', attempts = 0, finished_at = NULL WHERE id = ? AND state = 'quarantined'`).run(spoolId).changes === 1;
      if (changed) this.db.prepare('DELETE FROM quarantine WHERE spool_id = ?').run(spoolId);
    })();
    if (changed) for (const listener of [...this.listeners]) listener();
    return changed;
  }

  /**
   * Messages that became documents (state `done`) after `cursor`, in the order they finished:
   * what happens after ingestion (assignment, acknowledgements, uploads) reads them from here.
   */
  finishedSince(cursor: FinishedCursor, limit: number): FinishedEntry[] {
    const rows = this.db
      .prepare(
        `SELECT id, account_id, raw_file, message_doc_id, ticket_id, finished_at, internal_date FROM spool
         WHERE state = 'done' AND message_doc_id IS NOT NULL AND (finished_at > ? OR (finished_at = ? AND id > ?))
         ORDER BY finished_at, id LIMIT ?`,
      )
      .all(cursor.finishedAt, cursor.finishedAt, cursor.id, limit) as { id: number; account_id: string; raw_file: string; message_doc_id: string; ticket_id: string; finished_at: number; internal_date: number }[];
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      rawFile: row.raw_file,
      messageDocId: row.message_doc_id,
      ticketId: row.ticket_id,
      finishedAt: row.finished_at,
      internalDate: row.internal_date,
    }));
  }

  /** The last message that became documents, as a cursor (a reader starting now skips what came before). */
  lastFinished(): FinishedCursor | undefined {
    const row = this.db.prepare(`SELECT finished_at, id FROM spool WHERE state = 'done' ORDER BY finished_at DESC, id DESC LIMIT 1`).get() as { finished_at: number; id: number } | undefined;
    return row ? { finishedAt: row.finished_at, id: row.id } : undefined;
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

/** Flushes a file to disk (fsync) by path: what 'full' durability does to each raw message. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
