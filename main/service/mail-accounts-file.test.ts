// The headless service's accounts file: refused when others can read it or when an account is malformed.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMailAccountsFile } from './mail-accounts-file';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function accountsFile(content: unknown, mode = 0o600): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-mail-accounts-'));
  folders.push(folder);
  const file = path.join(folder, 'accounts.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(file, mode);
  return file;
}

const account = {
  name: 'Registro',
  address: 'registro@ayto.example',
  host: 'imap.ayto.example',
  port: 993,
  security: 'tls',
  user: 'registro@ayto.example',
  password: 'una clave',
  defaultDepartmentId: '',
  smtp: { host: 'smtp.ayto.example', port: 587, security: 'starttls', user: 'registro@ayto.example' },
};

describe('the mail accounts file of the headless service', () => {
  it('reads the accounts of a file only its owner can read', () => {
    expect(readMailAccountsFile(accountsFile([account]))).toEqual([account]);
  });

  it('refuses a file other users can read, saying how to fix it', () => {
    expect(() => readMailAccountsFile(accountsFile([account], 0o644))).toThrow(/chmod 600/);
  });

  it('names the account and the field that is wrong', () => {
    expect(() => readMailAccountsFile(accountsFile([account, { ...account, port: 'imap' }]))).toThrow(/account 2: .*port/);
    expect(() => readMailAccountsFile(accountsFile('{"not": "an array"}'))).toThrow(/array/);
    expect(() => readMailAccountsFile(accountsFile('[{'))).toThrow(/not JSON/);
  });
});
