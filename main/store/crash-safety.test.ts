import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openCases, temporaryFolder } from './test-support/storage-fixtures';

const writer = fileURLToPath(new URL('./test-support/crash-writer.ts', import.meta.url));
const BATCH = 50;
const ROUNDS = 20;

/** Starts the writer, kills it with SIGKILL a random while after it is ready, returns the batches it acknowledged. */
function writeUntilKilled(directory: string, firstBatch: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, directory, String(firstBatch), String(BATCH)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited on its own (${signal ?? _code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  const tmp = temporaryFolder('ventanilla-crash-');
  afterAll(() => tmp.remove());

  it(`keeps every acknowledged batch and never half a batch, through ${ROUNDS} SIGKILLs at random moments`, async () => {
    const acknowledged = new Set<number>();
    let nextBatch = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await writeUntilKilled(tmp.folder, nextBatch, 20 + Math.floor(Math.random() * 300));
      acked.forEach((batch) => acknowledged.add(batch));

      const { instance } = await openCases(tmp.folder);
      const db = instance.internals.connection.db;
      const table = instance.internals.table;
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      const perBatch = db
        .prepare(`SELECT json_extract(data, '$.updatedAt') AS batch, count(*) AS n FROM "${table}" GROUP BY batch`)
        .all() as { batch: number; n: number }[];
      await instance.close();

      const stored = new Map(perBatch.map((row) => [row.batch, row.n]));
      for (const [batch, n] of stored) expect(n, `batch ${batch} after round ${round}`).toBe(BATCH);
      for (const batch of acknowledged) expect(stored.get(batch), `acknowledged batch ${batch} after round ${round}`).toBe(BATCH);
      // The next writer starts after the last batch on disk (which may be one not yet acknowledged).
      nextBatch = Math.max(-1, ...stored.keys()) + 1;
    }
    expect(acknowledged.size).toBeGreaterThan(0);
  }, 180_000);
});
