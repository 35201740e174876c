// What the workstation remembers between starts, in its data folder: the last server address,
// who was signed in (to start where the clerk left off), the settings, and the session's tokens.
// Never a password. The tokens live in the session vault (session-vault.ts): sealed with the OS
// keychain's key in the Electron app, an owner-only file elsewhere.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthTokens, SignedInUser } from '../../core/sync';
import type { Settings } from '../../core/app-api';
import type { SessionVault } from './session-vault';

export type CurrentSession =
  | { mode: 'central'; serverUrl: string; user: SignedInUser; databaseName: string }
  | { mode: 'local'; user: SignedInUser; databaseName: string };

export type HostState = {
  lastServerUrl?: string;
  current?: CurrentSession;
  settings: Settings;
  /** The standalone clerks of this PC by e-mail: signing in locally again opens the same replica. */
  localUsers: Record<string, SignedInUser>;
};

const STATE_FILE = 'workstation-host.json';

function writeAtomically(file: string, text: string, mode: number): void {
  writeFileSync(`${file}.tmp`, text, { mode });
  renameSync(`${file}.tmp`, file);
  chmodSync(file, mode);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isUser(value: unknown): value is SignedInUser {
  return isRecord(value) && typeof value.id === 'string' && typeof value.email === 'string' && typeof value.name === 'string' && typeof value.role === 'string' && Array.isArray(value.departmentIds);
}

/** Reads the state; a missing or damaged file is a first start (the replicas stay on disk). */
export function readHostState(dataDir: string): HostState {
  const raw = readJson(path.join(dataDir, STATE_FILE));
  const state: HostState = { settings: { language: 'es' }, localUsers: {} };
  if (!isRecord(raw)) return state;
  if (typeof raw.lastServerUrl === 'string') state.lastServerUrl = raw.lastServerUrl;
  if (isRecord(raw.settings) && (raw.settings.language === 'es' || raw.settings.language === 'en')) state.settings = { language: raw.settings.language };
  if (isRecord(raw.settings) && typeof raw.settings.councilName === 'string' && raw.settings.councilName.trim()) state.settings.councilName = raw.settings.councilName.trim();
  if (isRecord(raw.localUsers)) {
    for (const [email, user] of Object.entries(raw.localUsers)) if (isUser(user)) state.localUsers[email] = user;
  }
  const current = raw.current;
  if (isRecord(current) && isUser(current.user) && typeof current.databaseName === 'string') {
    if (current.mode === 'local') state.current = { mode: 'local', user: current.user, databaseName: current.databaseName };
    if (current.mode === 'central' && typeof current.serverUrl === 'string') {
      state.current = { mode: 'central', serverUrl: current.serverUrl, user: current.user, databaseName: current.databaseName };
    }
  }
  return state;
}

export function writeHostState(dataDir: string, state: HostState): void {
  mkdirSync(dataDir, { recursive: true });
  writeAtomically(path.join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export function readTokens(vault: SessionVault, userId: string): AuthTokens | undefined {
  const raw = vault.read('session-tokens');
  if (!isRecord(raw) || raw.userId !== userId || !isRecord(raw.tokens)) return undefined;
  const tokens = raw.tokens;
  if (typeof tokens.accessToken !== 'string' || typeof tokens.refreshToken !== 'string') return undefined;
  if (typeof tokens.accessTokenExpiresAt !== 'number' || typeof tokens.refreshTokenExpiresAt !== 'number') return undefined;
  return tokens as AuthTokens;
}

export function writeTokens(vault: SessionVault, userId: string, tokens: AuthTokens): void {
  vault.write('session-tokens', { userId, tokens });
}

export function forgetTokens(vault: SessionVault): void {
  vault.remove('session-tokens');
}
