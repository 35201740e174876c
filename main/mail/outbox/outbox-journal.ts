/**
 * The list of this workstation's outbox: which `email_out` documents it still has to send (or
 * that failed and wait for a clerk). The documents themselves, with their state, live in the
 * replicated database; `messages` has no index on the outbox (an indexed field must be required,
 * and only replies have one), and a scan of millions of messages at every start is out of the
 * question, so the workstation keeps the ids it owns here, in a small SQLite file of its own.
 *
 * An id is written here before its document (outbox.ts), so nothing queued is ever forgotten; an
 * id whose document never arrived (a crash between the two) is dropped when found.
 *
 * Each entry also keeps the outbox's own **copy** of the reply, as last written by this outbox:
 * a reply whose ticket leaves the clerk's departments leaves the replica too (the server sends it
 * as a deletion), and the outbox then sends it from this copy and writes its states here, until
 * the document comes back (the ticket is routed back) and gets them; with a central server, each
 * such state is also pushed to it on its own (away-states.ts), and the journal notes what it took.
 * docs/mail.md, Sending.
 */
import Database from 'better-sqlite3';
import type { Message } from '../../../core/schemas/messages';

export type JournalEntry = {
  id: string;
  /** `pending`: queued or sending; `failed`: given up, until a clerk retries it. */
  status: 'pending' | 'failed';
  queuedAt: number;
  /** The reply as this outbox last wrote it (absent in entries written before copies were kept). */
  copy?: Message;
  /**
   * The copy's `outbox.changedAt` the central server last took from this outbox while the reply
   * was away from the replica (an away state pushed on its own: away-states.ts).
   */
  pushedChangedAt?: number;
};

export class OutboxJournal {
  private readonly db: Database.Database;

  private constructor(file: string) {
    this.db = new Database(file);
    // WAL with synchronous=FULL: an id written here survives a power cut before its document does.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id        TEXT PRIMARY KEY,
      status    TEXT NOT NULL CHECK (status IN ('pending', 'failed')),
      queued_at INTEGER NOT NULL
    ) STRICT`);
    // Automatic answers this outbox sent (kept a week), and those another workstation sent too:
    // two workstations cut off from the central server may both acknowledge one mail (docs/mail.md).
    this.db.exec(`CREATE TABLE IF NOT EXISTS automatic_sent (
      id      TEXT PRIMARY KEY,
      sent_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS double_sent (
      id                TEXT PRIMARY KEY,
      other_workstation TEXT NOT NULL,
      sent_at           INTEGER NOT NULL,
      detected_at       INTEGER NOT NULL
    ) STRICT`);
    // Journals written before the outbox kept its own copy gain the column in place.
    const columns = this.db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'copy')) this.db.exec('ALTER TABLE outbox ADD COLUMN copy TEXT');
    if (!columns.some((column) => column.name === 'pushed_changed_at')) this.db.exec('ALTER TABLE outbox ADD COLUMN pushed_changed_at INTEGER');
  }

  static open(file: string): OutboxJournal {
    return new OutboxJournal(file);
  }

  /** Puts a reply in line (again): queued by this outbox, or retried by a clerk. */
  add(id: string, queuedAt: number, copy?: Message): void {
    this.db
      .prepare(`INSERT INTO outbox (id, status, queued_at, copy) VALUES (?, 'pending', ?, ?) ON CONFLICT (id) DO UPDATE SET status = 'pending', copy = coalesce(excluded.copy, copy)`)
      .run(id, queuedAt, copy ? JSON.stringify(copy) : null);
  }

  /**
   * Takes in a reply written elsewhere (the screens write straight into the database); one the
   * journal already holds is left exactly as it is. Says whether it was new.
   */
  adopt(id: string, queuedAt: number, copy: Message): boolean {
    return this.db.prepare(`INSERT INTO outbox (id, status, queued_at, copy) VALUES (?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`).run(id, queuedAt, JSON.stringify(copy)).changes === 1;
  }

  /** Replaces the outbox's copy of a reply (after each change of its state). */
  keep(id: string, copy: Message): void {
    this.db.prepare('UPDATE outbox SET copy = ? WHERE id = ?').run(JSON.stringify(copy), id);
  }

  /** The central server holds this reply's state of `changedAt` (or a later one), pushed while it was away. */
  markPushed(id: string, changedAt: number): void {
    this.db.prepare('UPDATE outbox SET pushed_changed_at = max(coalesce(pushed_changed_at, 0), ?) WHERE id = ?').run(changedAt, id);
  }

  copyOf(id: string): Message | undefined {
    const row = this.db.prepare('SELECT copy FROM outbox WHERE id = ?').get(id) as { copy: string | null } | undefined;
    return row?.copy ? (JSON.parse(row.copy) as Message) : undefined;
  }

  markFailed(id: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'failed' WHERE id = ?`).run(id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }

  entries(): JournalEntry[] {
    const rows = this.db.prepare('SELECT id, status, queued_at, copy, pushed_changed_at FROM outbox ORDER BY queued_at, id').all() as {
      id: string;
      status: 'pending' | 'failed';
      queued_at: number;
      copy: string | null;
      pushed_changed_at: number | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      queuedAt: row.queued_at,
      ...(row.copy && { copy: JSON.parse(row.copy) as Message }),
      ...(row.pushed_changed_at !== null && { pushedChangedAt: row.pushed_changed_at }),
    }));
  }

  /** Remembers that this outbox sent an automatic answer (and forgets those older than `keepAfter`). */
  noteAutomaticSent(id: string, sentAt: number, keepAfter: number): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO automatic_sent (id, sent_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET sent_at = excluded.sent_at').run(id, sentAt);
      this.db.prepare('DELETE FROM automatic_sent WHERE sent_at < ?').run(keepAfter);
    })();
  }

  automaticSentAt(id: string): number | undefined {
    return (this.db.prepare('SELECT sent_at FROM automatic_sent WHERE id = ?').get(id) as { sent_at: number } | undefined)?.sent_at;
  }

  /** Records an automatic answer sent both here and by `otherWorkstation`; says whether it is news. */
  recordDoubleSend(id: string, otherWorkstation: string, sentAt: number, detectedAt: number): boolean {
    return this.db.prepare('INSERT INTO double_sent (id, other_workstation, sent_at, detected_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING').run(id, otherWorkstation, sentAt, detectedAt).changes === 1;
  }

  doubleSends(): { id: string; otherWorkstation: string; sentAt: number; detectedAt: number }[] {
    return (this.db.prepare('SELECT id, other_workstation, sent_at, detected_at FROM double_sent ORDER BY detected_at, id').all() as { id: string; other_workstation: string; sent_at: number; detected_at: number }[]).map((row) => ({
      id: row.id,
      otherWorkstation: row.other_workstation,
      sentAt: row.sent_at,
      detectedAt: row.detected_at,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
