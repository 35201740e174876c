/**
 * Phone and address → citizens, for "¿me dice su teléfono?" at the counter. RxDB cannot index an
 * array field (`citizens.phones`, `citizens.emails`), and a scan of a council's 60,000 citizens
 * took 1.3–2.2 s a lookup (docs/performance.md#workstation): too slow for a call in progress.
 *
 * Derived data in a small SQLite file beside the replica (delete it and it is rebuilt), kept
 * current the way the search index is (main/store/search-index.ts): RxDB's checkpoint feed
 * (`getChangedDocumentsSince`) from a checkpoint saved in the same transaction as the rows, the
 * change stream only saying "there is more" — so a crash or a burst of writes never leaves a gap.
 * It only answers "which citizens list this value"; the citizen documents stay the truth.
 */
import Database from 'better-sqlite3';
import { getChangedDocumentsSince, type RxCollection, type RxDocumentData, type RxStorageDefaultCheckpoint, type RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { Citizen } from '../../core/schemas';

export type ContactKind = 'phone' | 'email';

/** Citizens read per transaction while catching up. */
const PAGE = 2_000;
/** At most this many citizens share one phone or address (a family's landline, a gestoría). */
const MATCH_LIMIT = 50;

type CitizenStorage = RxStorageInstance<Citizen, unknown, unknown, RxStorageDefaultCheckpoint>;

export class ContactIndex {
  private readonly db: Database.Database;
  private subscription: Subscription | undefined;
  /** The running catch-up, and whether another was asked for while it ran. */
  private pumping: Promise<void> | undefined;
  private again = false;
  private closed = false;

  private constructor(
    file: string,
    private readonly storage: CitizenStorage,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Derived data: a lost last transaction is caught up again from the saved checkpoint.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS contacts (kind TEXT NOT NULL, value TEXT NOT NULL, citizen_id TEXT NOT NULL, PRIMARY KEY (kind, value, citizen_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS contacts_by_citizen ON contacts (citizen_id);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `);
  }

  /**
   * Opens (or creates) the index in `file` and starts catching it up with `citizens` in the
   * background: the first build of a council's 60,000 cards takes seconds, and must not hold up
   * the sign-in. `onError` hears of a catch-up that failed (the next lookup tries again).
   */
  static open(file: string, citizens: RxCollection<Citizen>, onError: (error: unknown) => void = () => undefined): ContactIndex {
    const index = new ContactIndex(file, citizens.storageInstance as unknown as CitizenStorage);
    // Subscribe first: a write during the catch-up is then seen by one or both, never neither.
    index.subscription = index.storage.changeStream().subscribe(() => index.pump().catch(onError));
    index.pump().catch(onError);
    return index;
  }

  /**
   * The citizens whose card lists this phone (E.164) or address (lower case), smallest id first;
   * every change written before the call is indexed first.
   */
  async citizensOf(kind: ContactKind, value: string): Promise<string[]> {
    await this.caughtUp();
    if (this.closed) return [];
    const rows = this.db.prepare('SELECT citizen_id FROM contacts WHERE kind = ? AND value = ? ORDER BY citizen_id LIMIT ?').all(kind, value, MATCH_LIMIT) as { citizen_id: string }[];
    return rows.map((row) => row.citizen_id);
  }

  /** Resolves once every change written so far is indexed. */
  async caughtUp(): Promise<void> {
    await this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscription?.unsubscribe();
    this.db.close();
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          await this.catchUp();
        } while (this.again && !this.closed);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private async catchUp(): Promise<void> {
    const read = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    const saveCheckpoint = this.db.prepare("INSERT INTO meta (key, value) VALUES ('checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const remove = this.db.prepare('DELETE FROM contacts WHERE citizen_id = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO contacts (kind, value, citizen_id) VALUES (?, ?, ?)');
    const write = this.db.transaction((documents: RxDocumentData<Citizen>[], checkpoint: unknown) => {
      for (const citizen of documents) {
        remove.run(citizen.id);
        if (citizen._deleted) continue;
        for (const phone of citizen.phones) insert.run('phone', phone, citizen.id);
        for (const email of citizen.emails) insert.run('email', email, citizen.id);
      }
      saveCheckpoint.run(JSON.stringify(checkpoint));
    });
    for (;;) {
      if (this.closed) return;
      const saved = read.get('checkpoint') as string | undefined;
      const page = await getChangedDocumentsSince(this.storage, PAGE, saved ? (JSON.parse(saved) as RxStorageDefaultCheckpoint) : undefined);
      if (this.closed || page.documents.length === 0) return;
      write(page.documents, page.checkpoint);
      if (page.documents.length < PAGE) return;
    }
  }
}
