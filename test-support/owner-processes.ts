/**
 * For the tests of owned folders (./owned-folder.test.ts, ./postgres.test.ts, the Dovecot
 * fixture's): a test process of their own that owns a folder — a server's — and that the test
 * then ends by a signal or SIGKILL, as Vitest or a developer's Ctrl-C would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export type OwnerProcess = {
  readonly child: ChildProcess;
  /** The folder it owns. */
  readonly folder: string;
  /** The pid of the server it started in that folder. */
  readonly server: number;
};

/**
 * Runs `script` (a TypeScript file that prints `{folder, server}` as one JSON line once ready)
 * with `args`; resolves once it is ready.
 */
export async function startOwnerProcess(script: string, args: string[] = []): Promise<OwnerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
  if (!line) throw new Error(`${script} ended before it was ready: ${stderr}`);
  const { folder, server } = JSON.parse(line) as { folder: string; server: number };
  return { child, folder, server };
}

/** Resolves once `child` has ended (at once if it has). */
export async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** Resolves once `condition` holds; fails after ~10 s naming `what`. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 400) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
