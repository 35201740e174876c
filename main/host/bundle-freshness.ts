// Whether a bundle of ours (node-bundle.ts) is the code in the working tree: its build-info.json
// lists every project file it was built from, when, and what each held (a SHA-256 of its bytes).
// A bundle older than one of them (an edit, a `git pull`) would run yesterday's code without a
// word, so whoever starts a bundle asks first.
//
// Modification times first: a stat per file (a few hundred, a few milliseconds). But in a shared
// checkout times move without the contents changing — `git checkout` of a branch that rewrites a
// file with the same text, an editor that saves unchanged, a `touch` — and calling the bundle
// stale then sends the web host and the e2e back to tsx for nothing. So a source newer than the
// build is read and hashed, and only a different hash (or none recorded: an older build-info.json)
// makes the bundle stale. Only the files that look changed are read.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const BUILD_INFO_FILE = 'build-info.json';

export type BuildInfo = {
  /** Date.now() when the bundle was written. */
  builtAt: number;
  /** The project files in it, relative to the project's root, with forward slashes. */
  sources: string[];
  /**
   * What each source held when it was bundled (`sourceHash`), by the same relative path. Absent
   * in build-info.json files written before hashes were recorded, and for a source whose bytes
   * the build could not vouch for: such a source is judged by its time alone.
   */
  hashes?: Record<string, string>;
};

/** The hash recorded for a source's bytes (hex SHA-256). */
export const sourceHash = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

const isHashMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((hash) => typeof hash === 'string');

function readBuildInfo(file: string): BuildInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildInfo>;
    if (typeof info.builtAt !== 'number' || !Array.isArray(info.sources) || !info.sources.every((source) => typeof source === 'string')) return undefined;
    // A malformed hash map is ignored rather than refused: the times alone still decide, as before hashes existed.
    return { builtAt: info.builtAt, sources: info.sources, ...(isHashMap(info.hashes) && { hashes: info.hashes }) };
  } catch {
    return undefined;
  }
}

/** Why one source is not what was bundled ("changed", "deleted"), or undefined when it is. */
function sourceChange(root: string, source: string, info: BuildInfo): string | undefined {
  const file = path.join(root, source);
  let modifiedAt: number;
  try {
    modifiedAt = statSync(file).mtimeMs;
  } catch {
    return 'deleted';
  }
  if (modifiedAt <= info.builtAt) return undefined;
  const recorded = info.hashes?.[source];
  if (recorded === undefined) return 'changed';
  try {
    return sourceHash(readFileSync(file)) === recorded ? undefined : 'changed';
  } catch {
    // Stat-able but unreadable (permissions, replaced by a folder): not what was bundled.
    return 'changed';
  }
}

/**
 * Why the bundle in `bundleDir` is not the current code — missing, unreadable, or older than one
 * of its sources (named, with how many more) — or undefined when it is.
 */
export function bundleProblem(bundleDir: string, root: string, entries: readonly string[]): string | undefined {
  for (const entry of entries) {
    try {
      statSync(path.join(bundleDir, entry));
    } catch {
      return `${path.join(bundleDir, entry)} is missing`;
    }
  }
  const info = readBuildInfo(path.join(bundleDir, BUILD_INFO_FILE));
  if (!info) return `${path.join(bundleDir, BUILD_INFO_FILE)} is missing or unreadable`;
  const changed: string[] = [];
  for (const source of info.sources) {
    const change = sourceChange(root, source, info);
    if (change === 'deleted') changed.push(`${source} (deleted)`);
    else if (change) changed.push(source);
  }
  if (changed.length === 0) return undefined;
  const more = changed.length > 1 ? ` and ${changed.length - 1} more` : '';
  return `it is older than its sources (${changed[0]}${more} changed after the build of ${new Date(info.builtAt).toISOString()})`;
}
