/**
 * The list of this workstation's outbox: which `email_out` documents it still has to send (or
 * that failed and wait for a clerk). The documents themselves, with their state, live in the
 * replicated database; `messages` has no index on the outbox (an indexed field must be required,
 * and only replies have one), and a scan of millions of messages at every start is out of the
 * question, so the workstation keeps the ids it owns here, in a small SQLite file of its own.
 *
 * An id is written here before its document (outbox.ts), so nothing queued is ever forgotten; an
 * id whose document never arrived (a crash between the two) is dropped when found.
 */
import Database from 'better-sqlite3';

export type JournalEntry = {
  id: string;
  /** `pending`: queued or sending; `failed`: given up, until a clerk retries it. */
  status: 'pending' | 'failed';
  queuedAt: number;
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
  }

  static open(file: string): OutboxJournal {
    return new OutboxJournal(file);
  }

  add(id: string, queuedAt: number): void {
    this.db.prepare(`INSERT INTO outbox (id, status, queued_at) VALUES (?, 'pending', ?) ON CONFLICT (id) DO UPDATE SET status = 'pending'`).run(id, queuedAt);
  }

  markFailed(id: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'failed' WHERE id = ?`).run(id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }

  entries(): JournalEntry[] {
    const rows = this.db.prepare('SELECT id, status, queued_at FROM outbox ORDER BY queued_at, id').all() as { id: string; status: 'pending' | 'failed'; queued_at: number }[];
    return rows.map((row) => ({ id: row.id, status: row.status, queuedAt: row.queued_at }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
