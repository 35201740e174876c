/**
 * Phone and address → citizens, for "¿me dice su teléfono?" at the counter and for joining a
 * mail's sender to a citizen a clerk created (main/host/mail/mail-wiring.ts hands it to the mail
 * channel). RxDB cannot index an array field (`citizens.phones`, `citizens.emails`), and a scan of a
 * council's 60,000 citizens took 1.3–2.2 s a lookup (docs/performance.md#workstation): too slow
 * for a call in progress, and for every new sender of a mailbox.
 *
 * Derived data in a small SQLite file beside the replica (delete it and it is rebuilt), kept
 * current the way the search index is (main/store/search-index.ts): RxDB's checkpoint feed
 * (`getChangedDocumentsSince`) from a checkpoint saved in the same transaction as the rows, the
 * change stream only saying "there is more" — so a crash or a burst of writes never leaves a gap.
 * It only answers "which citizens list this value"; the citizen documents stay the truth.
 *
 * The first build reads the replica's citizens table by SQL (`firstBuild`) instead of through
 * RxDB's documents, and the first lookup waits for it: 60,000 demo cards in 3.6 s instead of 5.3 s
 * through the feed at a load of 11 on 2 cores (bench/contact-index.ts; docs/mail.md, Citizens).
 */
import Database from 'better-sqlite3';
import { getChangedDocumentsSince, type RxCollection, type RxDocumentData, type RxStorageDefaultCheckpoint, type RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import { normalizeAddress } from '../../core/mail';
import type { Citizen } from '../../core/schemas';
import type { SqliteInstanceInternals } from '../store/sqlite-instance';

export type ContactKind = 'phone' | 'email';

/** Citizens read per transaction while catching up. */
const PAGE = 2_000;
/** Rows of the replica's citizens table per transaction of the first build (~0.1 s each). */
const BUILD_SLICE = 5_000;
/** At most this many citizens share one phone or address (a family's landline, a gestoría). */
const MATCH_LIMIT = 50;
/**
 * What the rows mean. 2: addresses lower case (normalizeAddress), as mail compares them; an index
 * of another format is emptied and built again at open.
 */
const FORMAT = '2';

type CitizenStorage = RxStorageInstance<Citizen, unknown, unknown, RxStorageDefaultCheckpoint>;

/** The key an address is indexed and looked up by (lower case, no `mailto:` or brackets). */
function emailKey(value: string): string {
  return normalizeAddress(value) ?? value.trim().toLowerCase();
}

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
    // 2 MiB of page cache instead of better-sqlite3's 16 MB: lookups are single index probes the
    // OS's file cache answers as well, and a full cache of this ~16 MB file (all of it, after the
    // first build) stayed in the service's memory (docs/performance.md#workstation).
    this.db.pragma('cache_size = -2048');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS contacts (kind TEXT NOT NULL, value TEXT NOT NULL, citizen_id TEXT NOT NULL, PRIMARY KEY (kind, value, citizen_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS contacts_by_citizen ON contacts (citizen_id);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `);
    const format = this.db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get() as string | undefined;
    if (format !== FORMAT) {
      this.db.transaction(() => {
        this.db.exec('DELETE FROM contacts; DELETE FROM meta;');
        this.db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?)").run(FORMAT);
      })();
    }
  }

  /**
   * Opens (or creates) the index in `file` and starts catching it up with `citizens` in the
   * background: the first build of a council's 60,000 cards takes a second or more, and must not
   * hold up the sign-in. `onError` hears of a catch-up that failed (the next lookup tries again).
   */
  static open(file: string, citizens: RxCollection<Citizen>, onError: (error: unknown) => void = () => undefined): ContactIndex {
    const index = new ContactIndex(file, citizens.storageInstance as unknown as CitizenStorage);
    // Subscribe first: a write during the catch-up is then seen by one or both, never neither.
    index.subscription = index.storage.changeStream().subscribe(() => index.pump().catch(onError));
    index.pump().catch(onError);
    return index;
  }

  /**
   * The citizens whose card lists this phone (E.164) or address (any case), smallest id first;
   * every change written before the call is indexed first.
   */
  async citizensOf(kind: ContactKind, value: string): Promise<string[]> {
    await this.caughtUp();
    if (this.closed) return [];
    const key = kind === 'email' ? emailKey(value) : value;
    const rows = this.db.prepare('SELECT citizen_id FROM contacts WHERE kind = ? AND value = ? ORDER BY citizen_id LIMIT ?').all(kind, key, MATCH_LIMIT) as { citizen_id: string }[];
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

  private savedCheckpoint(): RxStorageDefaultCheckpoint | undefined {
    const saved = this.db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get() as string | undefined;
    return saved ? (JSON.parse(saved) as RxStorageDefaultCheckpoint) : undefined;
  }

  private async catchUp(): Promise<void> {
    if (this.closed) return;
    if (this.db.prepare("SELECT value FROM meta WHERE key = 'built'").pluck().get() === undefined) {
      await this.firstBuild();
      if (this.closed) return;
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('built', '1') ON CONFLICT (key) DO NOTHING").run();
    }
    const saveCheckpoint = this.db.prepare("INSERT INTO meta (key, value) VALUES ('checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const remove = this.db.prepare('DELETE FROM contacts WHERE citizen_id = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO contacts (kind, value, citizen_id) VALUES (?, ?, ?)');
    const write = this.db.transaction((documents: RxDocumentData<Citizen>[], checkpoint: unknown) => {
      for (const citizen of documents) {
        remove.run(citizen.id);
        if (citizen._deleted) continue;
        for (const phone of citizen.phones) insert.run('phone', phone, citizen.id);
        for (const email of citizen.emails) insert.run('email', emailKey(email), citizen.id);
      }
      saveCheckpoint.run(JSON.stringify(checkpoint));
    });
    for (;;) {
      if (this.closed) return;
      const page = await getChangedDocumentsSince(this.storage, PAGE, this.savedCheckpoint());
      if (this.closed || page.documents.length === 0) return;
      write(page.documents, page.checkpoint);
      if (page.documents.length < PAGE) return;
    }
  }

  /**
   * An empty index over our own SQLite storage is filled by SQL over the replica's citizens table
   * (attached to this connection; only SELECTs run on it), a slice of rows per transaction with a
   * yield between, so the service's other work is not held up for the whole build. Where the feed
   * goes on from is read before the first slice: the newest write time, with the smallest id, so
   * the feed then reads again every card written during the build or in that last write (indexing
   * a card again replaces its rows) and nothing is missed. It is saved after the last slice: a
   * crash in between starts the build over (the build is marked done by the caller, after). Any other storage (a test's memory storage) is read
   * through the feed alone.
   */
  private async firstBuild(): Promise<void> {
    const internals = (this.storage as { internals?: Partial<SqliteInstanceInternals> }).internals;
    const file = internals?.connection?.file;
    const table = internals?.table;
    if (typeof file !== 'string' || typeof table !== 'string') return;
    const citizens = `replica."${table.replaceAll('"', '""')}"`;
    // The same key as the feed writes (SQLite's lower() folds ASCII letters only).
    this.db.function('email_key', { deterministic: true }, (value: unknown) => emailKey(String(value)));
    this.db.prepare('ATTACH DATABASE ? AS replica').run(file);
    try {
      // The build reads each citizen page once: caching them (16 MB by default) only left ~15 MB
      // more in the service's heap after DETACH freed them (glibc keeps the freed pages).
      this.db.pragma('replica.cache_size = -1024');
      const { newest, last } = this.db.prepare(`SELECT max(lwt) AS newest, max(rowid) AS last FROM ${citizens}`).get() as { newest: number | null; last: number | null };
      this.db.exec('DELETE FROM contacts');
      const slice = this.db.prepare(`
        INSERT OR IGNORE INTO contacts (kind, value, citizen_id)
          SELECT 'phone', p.value, c.id FROM ${citizens} c, json_each(c.data, '$.phones') p WHERE c.rowid > @from AND c.rowid <= @to AND c.deleted = 0
          UNION ALL
          SELECT 'email', email_key(e.value), c.id FROM ${citizens} c, json_each(c.data, '$.emails') e WHERE c.rowid > @from AND c.rowid <= @to AND c.deleted = 0`);
      for (let from = 0; last !== null && from < last; from += BUILD_SLICE) {
        if (this.closed) return;
        slice.run({ from, to: from + BUILD_SLICE });
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (this.closed) return;
      // An empty table: the feed starts from the beginning.
      if (newest !== null) this.db.prepare("INSERT INTO meta (key, value) VALUES ('checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify({ id: '', lwt: newest }));
    } finally {
      if (!this.closed) this.db.exec('DETACH DATABASE replica');
    }
  }
}
