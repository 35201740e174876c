/**
 * The council's mailboxes this workstation ingests (issue 5, "Mailbox accounts"): kept in
 * `<dataDir>/mail/accounts.json`, without passwords. Passwords go through a {@link SecretBox}: in
 * the headless service a file readable by its owner alone (0600); in the Electron app the same
 * file with every value sealed under a key the OS keychain (`safeStorage`) protects
 * (sealed-secret-box.ts; the shell hands the key over) — this module never imports electron.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../../core/ids';
import { normalizeAddress } from '../../core/mail';

export type MailSecurity = 'tls' | 'starttls' | 'none';

export type MailAccountOptions = {
  /** Flag ingested mail \Seen on the server (off by default: mail is never touched). */
  markSeen: boolean;
  /** Seconds between polls when IDLE gives nothing (a fallback and a safety net). */
  pollSeconds: number;
  /** Messages per FETCH batch. */
  batchSize: number;
};

export type MailAccount = {
  id: string;
  /** What the screens call it: 'Registro General'. */
  name: string;
  host: string;
  port: number;
  /** 'none' only for loopback servers (tests, a relay on the same machine). */
  security: MailSecurity;
  user: string;
  /** The folder ingested (INBOX by default). */
  folder: string;
  /** The council's address of this mailbox (routing rules match on it), lower case. */
  address: string;
  /** Where new tickets go when routing says nothing else ('' = the intake queue). */
  defaultDepartmentId: string;
  enabled: boolean;
  options: MailAccountOptions;
};

export type MailAccountInput = Omit<MailAccount, 'id' | 'options' | 'enabled' | 'folder'> & {
  id?: string;
  folder?: string;
  enabled?: boolean;
  options?: Partial<MailAccountOptions>;
};

export const DEFAULT_ACCOUNT_OPTIONS: MailAccountOptions = { markSeen: false, pollSeconds: 60, batchSize: 200 };

/** Where passwords are kept. */
export interface SecretBox {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** Writes a file readable and writable by its owner alone (0600, set again), replacing it atomically. */
export function writeOwnerOnly(file: string, contents: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, contents, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/**
 * The headless service's secret box: one JSON file readable and writable by its owner alone
 * (mode 0600, set again on every write), replaced atomically. It protects against other users of
 * the machine, not against its administrator; the app uses the OS keychain instead.
 */
export class FileSecretBox implements SecretBox {
  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`The secrets file ${this.file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }

  private write(secrets: Record<string, string>): void {
    writeOwnerOnly(this.file, JSON.stringify(secrets));
  }

  get(key: string): string | undefined {
    return this.read()[key];
  }

  set(key: string, value: string): void {
    this.write({ ...this.read(), [key]: value });
  }

  delete(key: string): void {
    const secrets = this.read();
    delete secrets[key];
    this.write(secrets);
  }
}

/** Why an account was refused, in words (Spanish: the screens show it). */
export class MailAccountError extends Error {
  override readonly name = 'MailAccountError';
}

function validate(input: MailAccountInput): void {
  const problems: string[] = [];
  if (!input.host?.trim()) problems.push('falta el servidor');
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535) problems.push('el puerto debe estar entre 1 y 65535');
  if (!['tls', 'starttls', 'none'].includes(input.security)) problems.push('la seguridad debe ser tls, starttls o none');
  if (input.security === 'none' && !/^(127\.|localhost$|::1$)/.test(input.host)) problems.push('sin cifrado solo se admite un servidor local');
  if (!input.user?.trim()) problems.push('falta el usuario');
  if (!normalizeAddress(input.address)) problems.push('la dirección del buzón no es válida');
  if (typeof input.defaultDepartmentId !== 'string') problems.push('falta el departamento por defecto');
  if (problems.length > 0) throw new MailAccountError(`Cuenta de correo no válida: ${problems.join('; ')}`);
}

export class MailAccountStore {
  private readonly file: string;

  constructor(
    directory: string,
    private readonly secrets: SecretBox,
  ) {
    this.file = path.join(directory, 'accounts.json');
  }

  list(): MailAccount[] {
    try {
      const accounts = JSON.parse(readFileSync(this.file, 'utf8')) as MailAccount[];
      return accounts.map((account) => ({ ...account, options: { ...DEFAULT_ACCOUNT_OPTIONS, ...account.options } }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`The mail accounts file ${this.file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }

  get(id: string): MailAccount | undefined {
    return this.list().find((account) => account.id === id);
  }

  /** Adds or replaces an account; the password, when given, goes to the secret box. */
  save(input: MailAccountInput, password?: string): MailAccount {
    validate(input);
    const accounts = this.list();
    const id = input.id ?? newId();
    const previous = accounts.find((account) => account.id === id);
    const account: MailAccount = {
      id,
      name: input.name?.trim() || input.address,
      host: input.host.trim(),
      port: input.port,
      security: input.security,
      user: input.user.trim(),
      folder: input.folder?.trim() || 'INBOX',
      address: normalizeAddress(input.address)!,
      defaultDepartmentId: input.defaultDepartmentId,
      enabled: input.enabled ?? true,
      options: { ...DEFAULT_ACCOUNT_OPTIONS, ...previous?.options, ...input.options },
    };
    if (password !== undefined) this.secrets.set(secretKey(id), password);
    this.write([...accounts.filter((other) => other.id !== id), account]);
    return account;
  }

  remove(id: string): void {
    this.write(this.list().filter((account) => account.id !== id));
    this.secrets.delete(secretKey(id));
  }

  password(id: string): string | undefined {
    return this.secrets.get(secretKey(id));
  }

  private write(accounts: MailAccount[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(accounts, null, 2)}\n`);
    renameSync(`${this.file}.tmp`, this.file);
  }
}

const secretKey = (accountId: string) => `mail-account:${accountId}`;
