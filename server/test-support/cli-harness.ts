/**
 * The server's command line run in-process by a test: each test gets its own data folder, and
 * what the command prints (stdout) and its errors (console.error) are captured, not shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../cli';
import { openServerDatabase, type ServerDatabase } from '../db/index';

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
  let folder = '';
  const output: string[] = [];
  const errors: string[] = [];
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-cli-'));
    output.length = 0;
    errors.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (output.push(String(text)), true));
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void errors.push(String(text)));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(folder, { recursive: true, force: true });
  });
  return {
    run: (...args) => main([...args, '--data', folder], {}),
    folder: () => folder,
    output,
    errors,
    openDatabase: () => openServerDatabase({ sqliteFile: path.join(folder, 'server.sqlite') }),
  };
}
