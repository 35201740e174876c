/**
 * Which messages name a blob among their attachments: the server's answer to "may this user
 * read blob X?" (blob-routes.ts). The replicated `messages` keep their bodies as pushed, and the
 * database offers no search inside them (server/db), so this index follows the `messages`
 * collection by its own checkpoint, like a workstation's pull, and keeps `sha256 → message id`
 * in a small SQLite file beside the blobs. Messages are immutable: a reference once indexed stays
 * true, and whether the message is still visible (its scope, a deletion) is read from the database
 * at the time of each request, never from here.
 *
 * One index per blob folder. Several server processes on one machine share it (SQLite's locking);
 * processes on different machines need a blob folder each, or a shared one on a file system
 * with working locks.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { ServerDatabaseError, type ReplicationCheckpoint, type ServerDatabase } from '../db/index';

const PAGE = 500;

export class BlobReferences {
  private readonly index: Database.Database;
  private catchingUp: Promise<void> | undefined;
  private nextCatchUp: Promise<void> | undefined;
  private closing = false;

  private constructor(
    private readonly db: ServerDatabase,
    file: string,
  ) {
    this.index = new Database(file);
    this.index.pragma('journal_mode = WAL');
    this.index.pragma('busy_timeout = 5000');
    this.index.exec(`
      CREATE TABLE IF NOT EXISTS blob_references (
        sha256     TEXT NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (sha256, message_id)
      ) WITHOUT ROWID, STRICT;
      CREATE TABLE IF NOT EXISTS followed (
        collection TEXT PRIMARY KEY,
        checkpoint TEXT NOT NULL
      ) STRICT;`);
  }

  static open(db: ServerDatabase, folder: string): BlobReferences {
    return new BlobReferences(db, path.join(folder, 'references.sqlite'));
  }

  /** The ids of the messages that list `sha256` among their attachments, as of now. */
  async messagesNaming(sha256: string): Promise<string[]> {
    await this.catchUp();
    if (this.closing) throw new ServerDatabaseError('DB_CLOSED', 'the server is shutting down');
    const rows = this.index.prepare('SELECT message_id FROM blob_references WHERE sha256 = ? ORDER BY message_id').all(sha256) as { message_id: string }[];
    return rows.map((row) => row.message_id);
  }

  /**
   * Reads every message pushed until now. One pass at a time; a caller that arrives while a pass
   * runs waits for the next one (shared by everyone who arrived meanwhile), which starts after it
   * and so sees a message pushed just before the call.
   */
  catchUp(): Promise<void> {
    if (!this.catchingUp) {
      this.catchingUp = this.follow().finally(() => {
        this.catchingUp = undefined;
      });
      return this.catchingUp;
    }
    this.nextCatchUp ??= this.catchingUp
      .catch(() => undefined)
      .then(() => {
        this.nextCatchUp = undefined;
        return this.catchUp();
      });
    return this.nextCatchUp;
  }

  private async follow(): Promise<void> {
    const read = this.index.prepare(`SELECT checkpoint FROM followed WHERE collection = 'messages'`);
    const insert = this.index.prepare('INSERT OR IGNORE INTO blob_references (sha256, message_id) VALUES (?, ?)');
    const save = this.index.prepare(`INSERT INTO followed (collection, checkpoint) VALUES ('messages', ?) ON CONFLICT (collection) DO UPDATE SET checkpoint = excluded.checkpoint`);
    const stored = read.get() as { checkpoint: string } | undefined;
    let checkpoint: ReplicationCheckpoint | null = stored ? (JSON.parse(stored.checkpoint) as ReplicationCheckpoint) : null;
    for (;;) {
      if (this.closing) return;
      const page = await this.db.pull('messages', checkpoint, PAGE, { scopes: 'all' });
      if (this.closing) return;
      const next = page.checkpoint;
      this.index.transaction(() => {
        for (const document of page.documents) {
          const attachments = Array.isArray(document.attachments) ? (document.attachments as unknown[]) : [];
          for (const attachment of attachments) {
            const sha256 = (attachment as { sha256?: unknown } | null)?.sha256;
            if (typeof sha256 === 'string' && typeof document.id === 'string') insert.run(sha256, document.id);
          }
        }
        if (next) save.run(JSON.stringify(next));
      })();
      if (page.documents.length < PAGE || !next) return;
      checkpoint = next;
    }
  }

  /** Stops following (a running pass ends after its current page) and closes the index. */
  async close(): Promise<void> {
    this.closing = true;
    await this.catchingUp?.catch(() => undefined);
    if (this.index.open) this.index.close();
  }
}
