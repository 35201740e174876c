// Real-world mail nobody here wrote (shared/corpus/mail: bounces, complaints, torture MIME, odd
// charsets, calendar invitations, endless nesting), appended to a real Dovecot and ingested: each
// message becomes a message in a ticket, or a quarantine entry with a reason. Read in place,
// never copied into the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message, Ticket } from '../../core/schemas';
import { ingested, useDovecot, type MailWorkstation } from './test-support/mail-fixture';

// The corpus lives beside the project (../shared/corpus), never in it; VENTANILLA_CORPUS points
// elsewhere. On a machine without it the suite says so and is skipped, rather than failing
// for want of data nobody here may copy into the repository.
const CORPUS = [process.env.VENTANILLA_CORPUS, fileURLToPath(new URL('../../../shared/corpus/mail/', import.meta.url)), '/work/shared/corpus/mail/']
  .filter((folder): folder is string => typeof folder === 'string' && folder !== '')
  .find((folder) => existsSync(path.join(folder, 'flanker')));
if (CORPUS === undefined) console.warn('main/mail/corpus.test.ts: no shared/corpus/mail beside the project (set VENTANILLA_CORPUS): skipped');
const files = CORPUS === undefined
  ? []
  : ['flanker', 'postal-mime'].flatMap((folder) =>
      readdirSync(path.join(CORPUS, folder))
        .filter((name) => name.endsWith('.eml'))
        .map((name) => path.join(CORPUS, folder, name)),
    );

let workstation: MailWorkstation;

const bed = useDovecot();
beforeAll(async () => {
  if (CORPUS === undefined) return;
  await bed.dovecot.append(files.map((file) => readFileSync(file)));
  workstation = await bed.startWorkstation();
  await ingested(workstation.mail, files.length, 120_000);
}, 180_000);

describe.skipIf(CORPUS === undefined)('the real-world corpus', () => {
  it('is here to be ingested', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('leaves no message behind: each is a message of a ticket, a repeat of one, or quarantined with a reason', async () => {
    const { db } = workstation.local;
    const rows = workstation.mail.spool.db.prepare('SELECT id, state, message_doc_id, ticket_id FROM spool ORDER BY uid').all() as { id: number; state: string; message_doc_id: string | null; ticket_id: string | null }[];
    expect(rows).toHaveLength(files.length);
    const quarantine = new Map(workstation.mail.quarantine().map((entry) => [entry.spoolId, entry]));
    for (const row of rows) {
      expect(['done', 'duplicate', 'quarantined']).toContain(row.state);
      if (row.state === 'quarantined') {
        expect(quarantine.get(row.id)?.reason).toMatch(/\S{5,}/);
        continue;
      }
      const message = await db.messages.findOne(row.message_doc_id!).exec();
      expect(message, `message of spool row ${row.id}`).not.toBeNull();
      expect(message!.ticketId).toBe(row.ticket_id);
      expect(await db.tickets.findOne(row.ticket_id!).exec(), `ticket of spool row ${row.id}`).not.toBeNull();
    }
    // Most of the corpus is ordinary enough to become documents.
    expect(rows.filter((row) => row.state === 'done').length).toBeGreaterThan(files.length * 0.8);
  });

  it('marks bounces and complaints as automatic mail, and gives no mailer daemon a citizen', async () => {
    const { db } = workstation.local;
    const messages = (await db.messages.find().exec()).map((document) => document.toJSON() as Message);
    const daemons = messages.filter((message) => /^(mailer-daemon|postmaster)@/i.test(message.email?.from.address ?? ''));
    expect(daemons.length).toBeGreaterThan(5);
    for (const message of daemons) {
      expect(message.auto).toBe(true);
      expect(message.citizenId).toBe('');
    }
    const citizens = (await db.citizens.find().exec()).map((document) => document.emails[0]);
    expect(citizens.some((email) => /^(mailer-daemon|postmaster)@/i.test(email ?? ''))).toBe(false);
  });

  it('keeps the attachments as content-addressed files with their name, type and size', async () => {
    const { db } = workstation.local;
    const messages = (await db.messages.find().exec()).map((document) => document.toJSON() as Message);
    const withFiles = messages.filter((message) => message.attachments.length > 0);
    expect(withFiles.length).toBeGreaterThan(10);
    for (const attachment of withFiles.flatMap((message) => message.attachments)) {
      const blob = readFileSync(path.join(workstation.dataDir, 'blobs', attachment.sha256.slice(0, 2), attachment.sha256));
      expect(blob.length).toBe(attachment.size);
      expect(attachment.mimeType).toMatch(/\//);
    }
  });

  it('names a calendar invitation in the text a clerk reads', async () => {
    const { db } = workstation.local;
    const invitation = (await db.messages.find().exec()).find((document) => document.attachments.some((attachment) => attachment.mimeType === 'text/calendar'));
    expect(invitation?.text).toMatch(/Invitación de calendario/);
  });

  it('gives every ticket its sender’s subject, cleaned, and the email channel', async () => {
    const tickets = (await workstation.local.db.tickets.find().exec()).map((document) => document.toJSON() as Ticket);
    expect(tickets.length).toBeGreaterThan(20);
    for (const ticket of tickets) {
      expect(ticket.channel).toBe('email');
      expect(ticket.departmentId).toBe('urbanismo');
      expect(ticket.subject).not.toMatch(/^\s*(re|fwd?)\s*:/i);
    }
  });
});
