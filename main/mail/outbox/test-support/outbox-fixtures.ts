/**
 * For the outbox's tests: a workstation's `messages` collection on our SQLite storage (the same
 * storage, validation and conflict handler as the local database; only `messages`, so several
 * workstations fit in one process under RxDB's open-core limit of 13 collections), reopened from
 * the same folder after a "crash", and an SMTP account for the test server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { messageSchema, type Message } from '../../../../core/schemas/messages';
import { messageConflictHandler } from '../../../../core/sync/conflict-handlers';
import { getRxStorageSqlite } from '../../../store/index';
import type { ReceivedMail } from '../../test-support/smtp';
import type { SmtpAccount } from '../smtp-transport';

export type TestWorkstation = {
  folder: string;
  db: RxDatabase<{ messages: RxCollection<Message> }>;
  messages: RxCollection<Message>;
  journalFile: string;
  close(): Promise<void>;
};

/** Opens (or reopens) a workstation's messages in `folder`. */
export async function openWorkstationMessages(folder: string, name = 'clerk'): Promise<TestWorkstation> {
  const db = await createRxDatabase<{ messages: RxCollection<Message> }>({
    name,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory: folder, durability: 'full' }) }),
    multiInstance: false,
  });
  await db.addCollections({ messages: { schema: messageSchema, conflictHandler: messageConflictHandler } });
  return {
    folder,
    db,
    messages: db.messages,
    journalFile: path.join(folder, `${name}.outbox.sqlite`),
    close: async () => {
      await db.close();
    },
  };
}

export function temporaryFolder(prefix = 'ventanilla-outbox-'): { folder: string; remove: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export function smtpAccount(port: number): SmtpAccount {
  return { host: '127.0.0.1', port, security: 'none', user: 'registro@ayto-villanueva.es', password: 'secreto', timeoutMs: 2_000 };
}

/** The Message-ID header of a received mail, without angle brackets. */
export function messageIdOf(mail: ReceivedMail): string {
  return (mail.headers.get('message-id') ?? '').replace(/^<|>$/g, '');
}

/** Resolves once `predicate` holds for the stored document `id` (RxDB's change stream, no polling). */
export async function waitForDocument(messages: RxCollection<Message>, id: string, predicate: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`message ${id} did not reach the expected state within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = messages.findOne(id).$.subscribe((doc) => {
      const message = doc?.toJSON() as Message | undefined;
      if (message && predicate(message)) {
        clearTimeout(timer);
        queueMicrotask(() => subscription.unsubscribe());
        resolve(message);
      }
    });
  });
}
