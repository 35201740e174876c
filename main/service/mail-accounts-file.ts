/**
 * The headless service's mailbox accounts, from a JSON file the council's IT writes: an array of
 * accounts as the settings screen sends them (core/app-api MailAccountForm), passwords included.
 * Because it holds passwords, the file must be readable by its owner alone (mode 0600): the
 * service refuses it otherwise. At each start the accounts are added, or updated when one with
 * the same address exists; their passwords go to the data folder's protected secrets file.
 * Accounts stored but absent from the file are left alone (removing one is a deliberate act).
 *
 *   [{ "name": "Registro", "address": "registro@ayto.es", "host": "imap.ayto.es", "port": 993,
 *      "security": "tls", "user": "registro@ayto.es", "password": "…", "defaultDepartmentId": "",
 *      "smtp": { "host": "smtp.ayto.es", "port": 587, "security": "starttls", "user": "registro@ayto.es" } }]
 */
import { readFileSync, statSync } from 'node:fs';
import type { MailAccountForm, MailAccountView } from '../../core/app-api';
import { APP_ARG_CHECKS } from '../../core/app-api/checks';
import type { MailWiring } from '../host/mail/mail-wiring';

export function readMailAccountsFile(file: string): MailAccountForm[] {
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(`${file} holds passwords and can be read by other users (mode ${mode.toString(8)}); run chmod 600 ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold an array of mail accounts`);
  return parsed.map((entry, index) => {
    const checked = APP_ARG_CHECKS['mail:save-account'](entry);
    if (!checked.ok) throw new Error(`${file}, account ${index + 1}: ${checked.error.message}`);
    return checked.value;
  });
}

export async function importMailAccounts(mail: MailWiring, file: string): Promise<MailAccountView[]> {
  const forms = readMailAccountsFile(file);
  const existing = mail.accounts();
  const saved: MailAccountView[] = [];
  for (const form of forms) {
    const same = existing.find((account) => account.address === form.address.trim().toLowerCase());
    saved.push(await mail.saveAccount({ ...form, ...(same && { id: same.id }) }));
  }
  return saved;
}
