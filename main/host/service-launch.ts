// How the web host starts the workstation service: the built JavaScript (`npm run build:host`,
// out/host/) under plain node, as in production, or the TypeScript sources through tsx, as in
// development. tsx costs the service ~35 MB and an esbuild child (docs/performance.md#workstation):
// a TypeScript compiler the workstation does not need once the code is built.
//
// - The web host running from the bundle (out/host/web-host.cli.js) starts the service beside it.
// - Running from the sources (tests, the e2e fixtures, npm start's launcher), it uses the bundle
//   when it is there and no older than its sources, else the sources, and says which and why.
//   VENTANILLA_SERVICE_FROM=bundle insists on the bundle (an error names what is missing or
//   stale), =source on the sources.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleProblem } from './bundle-freshness';
import { SERVICE_EXEC_ARGV } from './service-flags';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where vite.host.config.ts writes the web host's bundle. */
export const HOST_BUNDLE_DIR = path.join(ROOT, 'out', 'host');
/** The entries of that bundle a start needs. */
export const HOST_BUNDLE_ENTRIES = ['web-host.cli.js', 'service-process.js', 'parse-worker.js', 'search-index-worker.js'] as const;
const BUILD_COMMAND = 'npm run build:host';

/** This module is part of a bundle (JavaScript), not the TypeScript sources. */
const BUNDLED = !import.meta.url.endsWith('.ts');

export type ServiceFrom = 'bundle' | 'source' | 'auto';

export type ServiceLaunch = {
  /** The module node runs. */
  entry: string;
  execArgv: readonly string[];
  from: 'bundle' | 'source';
  /** Why the sources were chosen over the bundle (auto). */
  note?: string;
};

export function serviceFromEnvironment(value = process.env.VENTANILLA_SERVICE_FROM): ServiceFrom {
  if (value === undefined || value === '') return 'auto';
  if (value === 'bundle' || value === 'source' || value === 'auto') return value;
  throw new Error(`VENTANILLA_SERVICE_FROM must be "bundle", "source" or "auto", not ${JSON.stringify(value)}`);
}

/** Why the bundle this code runs from is not the current code (undefined when it is, or when running from the sources). */
export function ownBundleProblem(): string | undefined {
  if (!BUNDLED) return undefined;
  const problem = bundleProblem(path.dirname(fileURLToPath(import.meta.url)), ROOT, HOST_BUNDLE_ENTRIES);
  return problem && `the built web host cannot run: ${problem}. Build it again with "${BUILD_COMMAND}"`;
}

export function serviceLaunch(from: ServiceFrom = serviceFromEnvironment(), bundleDir = HOST_BUNDLE_DIR): ServiceLaunch {
  if (BUNDLED) return { entry: fileURLToPath(new URL('./service-process.js', import.meta.url)), execArgv: SERVICE_EXEC_ARGV, from: 'bundle' };
  const source: ServiceLaunch = { entry: fileURLToPath(new URL('./service-process.ts', import.meta.url)), execArgv: ['--import', 'tsx', ...SERVICE_EXEC_ARGV], from: 'source' };
  if (from === 'source') return source;
  const problem = bundleProblem(bundleDir, ROOT, HOST_BUNDLE_ENTRIES);
  if (!problem) return { entry: path.join(bundleDir, 'service-process.js'), execArgv: SERVICE_EXEC_ARGV, from: 'bundle' };
  if (from === 'bundle') throw new Error(`the built workstation service cannot be used: ${problem}. Build it with "${BUILD_COMMAND}" (or "npm run build")`);
  return { ...source, note: `the built service in ${bundleDir} is not usable (${problem}); "${BUILD_COMMAND}" builds it` };
}
