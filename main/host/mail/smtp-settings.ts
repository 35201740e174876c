/**
 * How each mailbox account sends: its SMTP submission server (issue 5, Sending). The mail
 * channel's account store (main/mail/accounts.ts) knows IMAP only; the sending side of an
 * account is kept here, in `<dataDir>/mail/smtp.json` (no passwords), with its password in the
 * same secret box as the IMAP one. An account without SMTP settings of its own sends through the
 * IMAP host on port 587 with STARTTLS and the IMAP credentials — what most council mail servers
 * (Exchange, Dovecot+Postfix, Zimbra) accept — and says so on the settings screen.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MailAccount, SecretBox } from '../../mail';
import type { SmtpAccount } from '../../mail/outbox';

export type SmtpSettings = {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  /** Empty: no authentication (a relay on the same machine). */
  user: string;
};

const secretKey = (accountId: string) => `smtp-account:${accountId}`;

export function smtpDefaultsOf(account: Pick<MailAccount, 'host' | 'user' | 'security'>): SmtpSettings {
  return { host: account.host, port: account.security === 'none' ? 25 : 587, security: account.security === 'none' ? 'none' : 'starttls', user: account.user };
}

export class SmtpSettingsStore {
  private readonly file: string;

  constructor(
    mailDir: string,
    private readonly secrets: SecretBox,
  ) {
    this.file = path.join(mailDir, 'smtp.json');
  }

  private read(): Record<string, SmtpSettings> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, SmtpSettings>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`The SMTP settings file ${this.file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The account's own settings, when it has them. */
  get(accountId: string): SmtpSettings | undefined {
    return this.read()[accountId];
  }

  hasPassword(accountId: string): boolean {
    return this.secrets.get(secretKey(accountId)) !== undefined;
  }

  save(accountId: string, settings: SmtpSettings, password?: string): void {
    if (password !== undefined) this.secrets.set(secretKey(accountId), password);
    this.write({ ...this.read(), [accountId]: settings });
  }

  remove(accountId: string): void {
    const all = this.read();
    delete all[accountId];
    this.write(all);
    this.secrets.delete(secretKey(accountId));
  }

  /**
   * How the outbox reaches the SMTP server of `account`: its own settings, else the defaults;
   * its own password, else the IMAP one (`imapPassword`).
   */
  smtpAccountOf(account: MailAccount, imapPassword: string | undefined): SmtpAccount {
    const settings = this.get(account.id) ?? smtpDefaultsOf(account);
    const password = this.secrets.get(secretKey(account.id)) ?? imapPassword;
    return {
      host: settings.host,
      port: settings.port,
      security: settings.security,
      ...(settings.user && { user: settings.user, password: password ?? '' }),
    };
  }

  private write(all: Record<string, SmtpSettings>): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(all, null, 2)}\n`);
    renameSync(`${this.file}.tmp`, this.file);
  }
}
