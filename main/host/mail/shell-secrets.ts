/**
 * Mail passwords in the Electron app (issue 5: "encrypted with the OS keychain, safeStorage"):
 * the workstation service runs in a utilityProcess, which cannot call `safeStorage` (a main
 * process API). So the shell keeps a 32-byte key encrypted by safeStorage, decrypts it at start,
 * and sends it as the first message on the service's parent port; the service seals every mail
 * password with it (main/mail/sealed-secret-box.ts). One message at start, rather than a
 * round trip to the shell for every password read: the fetchers and the outbox read passwords
 * synchronously and often, and the service must keep working if the main thread is busy.
 *
 * The key travels over Electron's IPC pipe, never the environment or the command line (both
 * readable by other processes of the user and inherited by children). Without a keychain
 * (`safeStorage` unavailable, or Linux's `basic_text` fallback, which encrypts with a fixed
 * password) the shell says so instead, and the service keeps the passwords in the owner-only
 * file, as the headless service does: no pretence of protection it does not have.
 */
import path from 'node:path';
// Not main/mail's index: the app's service reads this at every start, and the index loads the whole
// mail stack (main/host/mail-seam.ts).
import { FileSecretBox, type SecretBox } from '../../mail/accounts';
import { SealedFileSecretBox } from '../../mail/sealed-secret-box';

/** What the shell sends the service before anything else. */
export type MailSecretsMessage = { type: 'mail-secrets'; key: string } | { type: 'mail-secrets'; unavailable: string };

export function isMailSecretsMessage(data: unknown): data is MailSecretsMessage {
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== 'mail-secrets') return false;
  const { key, unavailable } = data as { key?: unknown; unavailable?: unknown };
  return (typeof key === 'string' && Buffer.from(key, 'base64').length === 32) || typeof unavailable === 'string';
}

/** The parent port of a utilityProcess, as far as this module uses it. */
export type MessageSource = {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  off?(event: 'message', listener: (event: { data: unknown }) => void): void;
  removeListener?(event: 'message', listener: (event: { data: unknown }) => void): void;
};

/**
 * Waits for the shell's mail-secrets message (Electron queues parent-port messages until a
 * listener is registered, so it cannot be missed). Resolves undefined if none comes in time: an
 * older shell, or none at all.
 */
export function mailSecretsFromShell(port: MessageSource, timeoutMs = 10_000): Promise<MailSecretsMessage | undefined> {
  return new Promise((resolve) => {
    const listener = (event: { data: unknown }) => {
      if (!isMailSecretsMessage(event.data)) return;
      finish(event.data);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (message: MailSecretsMessage | undefined) => {
      clearTimeout(timer);
      (port.off ?? port.removeListener)?.call(port, 'message', listener);
      resolve(message);
    };
    port.on('message', listener);
  });
}

/**
 * The secret box of each replica's mail folder (MailWiringOptions.secrets): sealed with the
 * shell's key when it sent one — sealing a plain file left from before and removing it — else
 * the owner-only file.
 */
export function mailSecretBoxes(message: MailSecretsMessage | undefined, log: (line: string) => void): (mailDirectory: string) => SecretBox {
  if (!message || !('key' in message)) {
    log(`mail passwords kept in an owner-only file: ${message ? message.unavailable : 'the app sent no keychain key'}`);
    return (mailDirectory) => new FileSecretBox(path.join(mailDirectory, 'secrets.json'));
  }
  const key = Buffer.from(message.key, 'base64');
  return (mailDirectory) =>
    new SealedFileSecretBox(path.join(mailDirectory, 'secrets.sealed.json'), key, {
      migrateFrom: path.join(mailDirectory, 'secrets.json'),
      onUnreadable: (name, reason) => log(`the stored secret ${name} cannot be opened (${reason}); it must be typed again in the mail settings`),
    });
}
