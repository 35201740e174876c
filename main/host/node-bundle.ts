// Our Node-side code bundled for plain `node` (no TypeScript loader at run time): the Electron
// app's main process and service (main/shell/vite.electron.config.ts) and the web host's
// processes (vite.host.config.ts) share these settings. Beside the bundles goes build-info.json:
// when the build ran, every source file in it and a hash of what each held, so that whoever starts
// a bundle can tell it is older than its sources (bundle-freshness.ts) instead of running
// yesterday's code — and that a source merely touched (a checkout, an editor) is not a change.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';
import { BUILD_INFO_FILE, sourceHash, type BuildInfo } from './bundle-freshness';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bare imports (packages) and Node's built-ins are left to run time: node_modules ships beside. */
const external = (id: string) => id === 'electron' || id.startsWith('node:') || builtinModules.includes(id) || /^[@a-z]/i.test(id);

/** The file of a module id (`…/x.ts?raw` → `…/x.ts`). */
const fileOf = (id: string) => id.split('?', 1)[0]!;

/** A project file of ours, relative to the root with forward slashes; undefined for virtual modules (\0…) and anything outside the project. */
function projectSource(id: string): string | undefined {
  if (id.startsWith('\0') || !id.startsWith(ROOT)) return undefined;
  return path.relative(ROOT, fileOf(id)).split(path.sep).join('/');
}

/**
 * Writes build-info.json: the build's time, the project files (relative to the root) it bundled,
 * and the hash of each one's bytes. The hash is taken when the file goes into the build, of the
 * bytes on disk, and kept only when those bytes are the code the build got: a file edited while
 * the build ran, or one a loader rewrote, gets no hash and is judged by its time alone — never a
 * hash of something the bundle does not hold.
 */
function buildInfo(fileName: string): Plugin {
  /** By source: its hash, or null when the build cannot vouch for one. */
  const hashes = new Map<string, string | null>();
  return {
    name: 'ventanilla-build-info',
    buildStart() {
      hashes.clear();
    },
    // First among the transforms (`order: 'pre'`), where `code` is still the file as loaded. Only
    // this hook: the plugin's generateBundle must run after Vite's, which drops the assets an SSR
    // build emits before it (build.ssrEmitAssets) — build-info.json among them.
    transform: {
      order: 'pre',
      handler(code, id) {
        const source = projectSource(id);
        if (source === undefined) return null;
        try {
          const bytes = readFileSync(fileOf(id));
          // Once unvouched (a query variant whose code is not the file, say), it stays so.
          if (bytes.toString('utf8') === code && hashes.get(source) !== null) hashes.set(source, sourceHash(bytes));
          else hashes.set(source, null);
        } catch {
          hashes.set(source, null);
        }
        return null;
      },
    },
    generateBundle(_options, bundle) {
      const sources = new Set<string>();
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk') continue;
        for (const id of item.moduleIds) {
          const source = projectSource(id);
          if (source !== undefined) sources.add(source);
        }
      }
      const sorted = [...sources].sort();
      const vouched = sorted.flatMap((source) => {
        const hash = hashes.get(source);
        return hash ? [[source, hash] as const] : [];
      });
      const info: BuildInfo = { builtAt: Date.now(), sources: sorted, hashes: Object.fromEntries(vouched) };
      this.emitFile({ type: 'asset', fileName, source: `${JSON.stringify(info, null, 1)}\n` });
    },
  };
}

export type NodeBundleOptions = {
  /** Entry name → source file. */
  input: Record<string, string>;
  /** Relative to the project's root (or absolute). */
  outDir: string;
  format?: 'es' | 'cjs';
  /** Empty the folder first (false when two builds share it). */
  emptyOutDir?: boolean;
  /** build-info.json unless two builds share the folder. */
  buildInfoFile?: string;
};

export function nodeBundleConfig(options: NodeBundleOptions): UserConfig {
  const cjs = options.format === 'cjs';
  return {
    // Only our sources: no public/ folder to copy, no .env files to read.
    publicDir: false,
    plugins: [buildInfo(options.buildInfoFile ?? BUILD_INFO_FILE)],
    build: {
      outDir: path.resolve(ROOT, options.outDir),
      emptyOutDir: options.emptyOutDir ?? true,
      target: 'node20',
      ssr: true,
      sourcemap: true,
      minify: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: options.input,
        external,
        output: {
          format: cjs ? ('cjs' as const) : ('es' as const),
          entryFileNames: cjs ? '[name].cjs' : '[name].js',
          // Shared chunks in the same folder as the entries, not in assets/: the parse pool, in
          // whichever chunk it lands, finds parse-worker.js beside itself (`new URL('./…', import.meta.url)`),
          // and the web host finds service-process.js beside itself.
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  };
}

/** A source file of the project, as an absolute path (for `input`). */
export const projectFile = (relative: string): string => path.join(ROOT, relative);

/**
 * The workstation service and the worker threads it starts from its own folder (the mail
 * parser's: main/mail/parse-pool.ts; the search index's writer: main/store/search-index-writer.ts), the
 * same in the Electron app's bundle and the web host's.
 */
export const SERVICE_INPUT: Record<string, string> = {
  'service-process': projectFile('main/host/service-process.ts'),
  'parse-worker': projectFile('main/mail/parse-worker.ts'),
  'search-index-worker': projectFile('main/store/search-index-worker.ts'),
};
