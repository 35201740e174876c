/**
 * `npm run bench`: every benchmark, one after the other, each in a process of its own (native
 * modules, RxDB's per-process collection limit and the heap stay separate). Their progress goes
 * to stderr as it comes; at the end, one JSON line with every benchmark's figures on stdout.
 *
 * Options are passed through the environment or the command line to every benchmark, e.g.
 * `TICKETS=10000 RUNS=10 npm run bench` or `npm run bench -- --tickets 10000`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, progress } from './support';

const here = path.dirname(fileURLToPath(import.meta.url));
const BENCHMARKS = [
  { key: 'caseload', file: 'caseload.ts' },
  { key: 'searchBacklogOpen', file: 'search-backlog-open.ts' },
  { key: 'rxdbPerformance', file: 'rxdb-performance.ts' },
  { key: 'syncInitialReplica', file: 'sync-initial-replica.ts' },
  { key: 'syncPropagation', file: 'sync-propagation.ts' },
  { key: 'syncPush', file: 'sync-push.ts' },
  { key: 'syncStreams', file: 'sync-streams.ts' },
  { key: 'mailIngest', file: 'mail-ingest.ts' },
  { key: 'routing', file: 'routing.ts' },
  { key: 'templateSuggest', file: 'template-suggest.ts' },
  { key: 'workstationScreens', file: 'workstation-screens.ts' },
];

function run(file: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file), ...process.argv.slice(2)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`${file} failed (${signal ?? `exit code ${code}`})`));
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (!line) return reject(new Error(`${file} printed no JSON line`));
      resolve(JSON.parse(line));
    });
  });
}

const results: Record<string, unknown> = {};
for (const { key, file } of BENCHMARKS) {
  progress(`── ${file} (load ${loadAverage().join(' ')}) ──`);
  results[key] = await run(file);
}
console.log(JSON.stringify({ bench: 'all', ...results }));
