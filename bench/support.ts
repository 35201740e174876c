/**
 * What the benchmarks share: options from the command line or the environment, percentiles,
 * a description of the machine (its load included: these figures mean little on a busy machine),
 * progress on stderr, and temp folders that are removed afterwards.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import { createOwnedFolder, kindOfPrefix } from '../test-support/owned-folder';

/**
 * A numeric option: `--tickets 10000`, `--tickets=10000` or `TICKETS=10000`, else the default.
 * Underscores are allowed for readability: `TICKETS=100_000`.
 */
export function numberOption(name: string, fallback: number): number {
  const flag = `--${name.toLowerCase().replaceAll('_', '-')}`;
  const args = process.argv.slice(2);
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === flag) raw = args[i + 1];
    else if (arg.startsWith(flag + '=')) raw = arg.slice(flag.length + 1);
  }
  raw ??= process.env[name.toUpperCase()];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not ${raw}`);
  return value;
}

export function stringOption(name: string, fallback: string): string {
  const flag = `--${name.toLowerCase().replaceAll('_', '-')}`;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === flag && args[i + 1] !== undefined) return args[i + 1]!;
    if (arg.startsWith(flag + '=')) return arg.slice(flag.length + 1);
  }
  return process.env[name.toUpperCase()] || fallback;
}

export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Milliseconds, rounded to what a human reads: 0.123, 12.3, 1234. */
export function ms(value: number): number {
  if (value >= 100) return Math.round(value);
  if (value >= 10) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}

export function ratio(ours: number, theirs: number): number {
  return theirs > 0 ? Math.round((ours / theirs) * 100) / 100 : Number.NaN;
}

export type Percentiles = { n: number; p50: number; p95: number; max: number; mean: number };

/** Nearest-rank percentiles of a list of durations in milliseconds. */
export function percentiles(times: readonly number[]): Percentiles {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: ms(at(50)), p95: ms(at(95)), max: ms(sorted[sorted.length - 1] ?? Number.NaN), mean: ms(mean) };
}

/** The machine and its load, for the record beside every figure. */
export function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    load: loadAverage(),
  };
}

/** 1, 5 and 15-minute load averages (`uptime`). */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/** A temporary folder `ventanilla-<kind>-…`; a benchmark stopped by Ctrl-C or killed leaves none behind for long (test-support/owned-folder.ts). */
export function tempFolder(prefix: string): { path: string; remove(): void } {
  const folder = createOwnedFolder(kindOfPrefix(prefix));
  return { path: folder.path, remove: () => folder.remove() };
}

/** Size of a file with its WAL, in bytes (0 when missing). */
export function fileSize(file: string): number {
  let size = 0;
  for (const suffix of ['', '-wal']) {
    try {
      size += statSync(file + suffix).size;
    } catch {
      // Not there: nothing to count.
    }
  }
  return size;
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
