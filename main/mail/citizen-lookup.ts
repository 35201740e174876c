/**
 * Address → citizens, for joining a mail's sender to a citizen a clerk created (whose id is a
 * UUIDv7, not derived from the address). RxDB cannot index an array field such as
 * `citizens.emails`, and a scan of every citizen per mail would not do, so main/mail keeps this
 * small table in its spool database (`citizen_emails`), fed from the citizens collection: a
 * catch-up by RxDB's checkpoint feed at start (`getChangedDocumentsSince`, resumed from the last
 * checkpoint kept in `meta`), then the storage's change stream. It only ever answers "which
 * citizens list this address"; the citizen documents stay the truth (docs/mail.md, "Citizens").
 */
import type { Statement } from 'better-sqlite3';
import { getChangedDocumentsSince, type RxCollection } from 'rxdb';
import type { Subscription } from 'rxjs';
import { normalizeAddress } from '../../core/mail';
import type { Citizen } from '../../core/schemas';
import type { MailSpool } from './spool';

const CHECKPOINT_KEY = 'citizen-lookup-checkpoint';
const PAGE = 1000;

export class CitizenLookup {
  private subscription: Subscription | undefined;

  constructor(
    private readonly spool: MailSpool,
    private readonly citizens: RxCollection<Citizen>,
  ) {}

  /** Catches up with every citizen changed since the last time, then follows the change stream. */
  async start(): Promise<void> {
    // Subscribe first: a change written during the catch-up is then seen by one or both, never neither.
    // The storage's stream gives each write's documents as one bulk: one spool transaction (one
    // fsync) per bulk, not one per citizen.
    this.subscription = this.citizens.storageInstance.changeStream().subscribe((bulk) => {
      if (!this.spool.db.open) return;
      this.spool.db.transaction(() => {
        for (const event of bulk.events) {
          const data = event.documentData as (Citizen & { _deleted?: boolean }) | undefined;
          if (data) this.apply(data.id, event.operation === 'DELETE' || data._deleted === true ? [] : data.emails);
        }
      })();
    });
    const stored = this.spool.getMeta(CHECKPOINT_KEY);
    let checkpoint: unknown = stored ? JSON.parse(stored) : undefined;
    for (;;) {
      const page = await getChangedDocumentsSince(this.citizens.storageInstance, PAGE, checkpoint as never);
      this.spool.db.transaction(() => {
        for (const document of page.documents) this.apply(document.id, document._deleted ? [] : document.emails);
      })();
      if (page.documents.length === 0) break;
      checkpoint = page.checkpoint;
      this.spool.setMeta(CHECKPOINT_KEY, JSON.stringify(checkpoint));
      if (page.documents.length < PAGE) break;
    }
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** The citizens that list `address`, smallest id first (the same pick on every workstation). */
  citizensOf(address: string): string[] {
    const normalized = normalizeAddress(address);
    if (!normalized) return [];
    return (this.spool.db.prepare('SELECT citizen_id FROM citizen_emails WHERE address = ? ORDER BY citizen_id').all(normalized) as { citizen_id: string }[]).map((row) => row.citizen_id);
  }

  private statements: { remove: Statement; insert: Statement } | undefined;

  private apply(citizenId: string, emails: readonly string[]): void {
    if (!this.spool.db.open) return;
    this.statements ??= {
      remove: this.spool.db.prepare('DELETE FROM citizen_emails WHERE citizen_id = ?'),
      insert: this.spool.db.prepare('INSERT OR IGNORE INTO citizen_emails (address, citizen_id) VALUES (?, ?)'),
    };
    const { remove, insert } = this.statements;
    remove.run(citizenId);
    for (const email of emails) {
      const address = normalizeAddress(email);
      if (address) insert.run(address, citizenId);
    }
  }
}
