/**
 * The server's command line run in-process by a test: each test gets its own data folder, and
 * what the command prints (stdout) and its errors (console.error) are captured, not shown. The
 * folder is an owned folder (test-support/owned-folder.ts): a killed test run leaves none behind.
 */
import path from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../cli';
import { openServerDatabase, type ServerDatabase } from '../db/index';
import { createOwnedFolder, type OwnedFolder } from '../../test-support/owned-folder';

export type CliHarness = {
  /** Runs `ventanilla-server <args> --data <the test's folder>`; resolves to the exit code. */
  run(...args: string[]): Promise<number>;
  /** The test's data folder. */
  folder(): string;
  /** What the command wrote to stdout, in order. */
  readonly output: string[];
  /** What it reported with console.error, in order. */
  readonly errors: string[];
  /** Opens the folder's database (the caller closes it). */
  openDatabase(): Promise<ServerDatabase>;
};

export function useServerCli(): CliHarness {
  let owned: OwnedFolder | undefined;
  let folder = '';
  const output: string[] = [];
  const errors: string[] = [];
  beforeEach(() => {
    owned = createOwnedFolder('cli');
    folder = owned.path;
    output.length = 0;
    errors.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (output.push(String(text)), true));
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void errors.push(String(text)));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    owned?.remove();
    owned = undefined;
  });
  return {
    run: (...args) => main([...args, '--data', folder], {}),
    folder: () => folder,
    output,
    errors,
    openDatabase: () => openServerDatabase({ sqliteFile: path.join(folder, 'server.sqlite') }),
  };
}
