/**
 * The secret that signs access tokens. From VENTANILLA_SECRET when set (required when several
 * server processes share one PostgreSQL: they must all verify each other's tokens), otherwise
 * generated once and kept in `<data folder>/secret`, readable by its owner only (0600).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SECRET_FILE = 'secret';

export type LoadedSecret = { secret: string; source: 'environment' | 'file' | 'generated'; file?: string; warning?: string };

export function loadSecret(dataFolder: string, environment: NodeJS.ProcessEnv = process.env): LoadedSecret {
  const fromEnvironment = environment.VENTANILLA_SECRET;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (fromEnvironment.length < 32) throw new Error('VENTANILLA_SECRET must have at least 32 characters (e.g. `openssl rand -base64 48`)');
    return { secret: fromEnvironment, source: 'environment' };
  }
  const file = path.join(dataFolder, SECRET_FILE);
  mkdirSync(dataFolder, { recursive: true, mode: 0o700 });
  const generated = randomBytes(48).toString('base64url');
  try {
    // 'wx': never overwrite a secret another process wrote first.
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: generated, source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters: delete it to generate a new one (every session ends)`);
  let warning: string | undefined;
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    warning = `${file} was readable by other users; its mode is now 0600`;
  }
  return { secret, source: 'file', file, warning };
}
