/**
 * The citizen directory a workstation hands its mail channel: the replica's real contact index
 * (main/host/contact-index.ts, as main/host/mail/mail-wiring.ts passes it), so the mail tests run
 * what the service runs. Production code of main/mail never imports main/host; its tests wire it.
 */
import path from 'node:path';
import type { RxDatabase } from 'rxdb';
import type { Collections } from '../../../core/schemas';
import { ContactIndex } from '../../host/contact-index';
import type { CitizenDirectory } from '../citizen-directory';

export type TestCitizenDirectory = CitizenDirectory & { readonly index: ContactIndex; close(): void };

/** The contact index of `db`, in `<folder>/contacts.sqlite` (kept across restarts on the same folder). */
export function openCitizenDirectory(db: RxDatabase<Collections>, folder: string): TestCitizenDirectory {
  const index = ContactIndex.open(path.join(folder, 'contacts.sqlite'), db.citizens);
  return { index, citizensWithEmail: (address) => index.citizensOf('email', address), close: () => index.close() };
}
