// Whether a bundle of ours (node-bundle.ts) is the code in the working tree: its build-info.json
// lists every project file it was built from and when. A bundle older than one of them (an edit, a
// `git pull`) would run yesterday's code without a word, so whoever starts a bundle asks first.
// Modification times, not contents: a stat per file (a few hundred, a few milliseconds), and a
// checkout that rewrites a file only costs a rebuild.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const BUILD_INFO_FILE = 'build-info.json';

export type BuildInfo = {
  /** Date.now() when the bundle was written. */
  builtAt: number;
  /** The project files in it, relative to the project's root, with forward slashes. */
  sources: string[];
};

function readBuildInfo(file: string): BuildInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildInfo>;
    if (typeof info.builtAt !== 'number' || !Array.isArray(info.sources) || !info.sources.every((source) => typeof source === 'string')) return undefined;
    return { builtAt: info.builtAt, sources: info.sources };
  } catch {
    return undefined;
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
    try {
      if (statSync(path.join(root, source)).mtimeMs > info.builtAt) changed.push(source);
    } catch {
      changed.push(`${source} (deleted)`);
    }
  }
  if (changed.length === 0) return undefined;
  const more = changed.length > 1 ? ` and ${changed.length - 1} more` : '';
  return `it is older than its sources (${changed[0]}${more} changed after the build of ${new Date(info.builtAt).toISOString()})`;
}
