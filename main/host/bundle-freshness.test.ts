// A bundle is run only while it is the code in the working tree: after an edit, a pull or a
// deleted file, whoever starts it hears which source changed — and a file whose time moved but
// whose text did not (a checkout, an editor saving unchanged) does not make it stale.
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { BUILD_INFO_FILE, bundleProblem, sourceHash, type BuildInfo } from './bundle-freshness';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

const SOURCES = ['main/host/app-service.ts', 'main/host/service-process.ts'];

/**
 * A project with two sources and their bundle, built one minute after the sources were written.
 * `hashes: false` writes build-info.json as builds did before they recorded hashes.
 */
function project(options: { hashes?: boolean } = {}) {
  const made = temporaryFolder('ventanilla-bundle-');
  folders.push(made);
  const root = made.folder;
  const builtAt = Date.now();
  const touch = (source: string, at: number) => utimesSync(path.join(root, source), at / 1000, at / 1000);
  mkdirSync(path.join(root, 'main', 'host'), { recursive: true });
  for (const source of SOURCES) {
    writeFileSync(path.join(root, source), `// ${source}\nexport const built = 1;\n`);
    touch(source, builtAt - 60_000);
  }
  const bundle = path.join(root, 'out', 'host');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(path.join(bundle, 'service-process.js'), '// built');
  const info: BuildInfo = { builtAt, sources: SOURCES };
  if (options.hashes !== false) info.hashes = Object.fromEntries(SOURCES.map((source) => [source, sourceHash(readFileSync(path.join(root, source)))]));
  const writeInfo = (changes: Partial<BuildInfo>) => writeFileSync(path.join(bundle, BUILD_INFO_FILE), JSON.stringify({ ...info, ...changes }));
  writeInfo({});
  /** Writes `text` into a source, dated after the build. */
  const edit = (source: string, text: string) => {
    writeFileSync(path.join(root, source), text);
    touch(source, builtAt + 5_000);
  };
  return { root, bundle, touch, edit, builtAt, writeInfo, info };
}

describe('whether a bundle is the current code', () => {
  it('accepts a bundle built after every one of its sources', () => {
    const { root, bundle } = project();
    expect(bundleProblem(bundle, root, ['service-process.js'])).toBeUndefined();
  });

  it('names the source edited after the build', () => {
    const { root, bundle, edit } = project();
    edit('main/host/app-service.ts', 'export const built = 2;\n');
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/older than its sources \(main\/host\/app-service\.ts changed after the build/);
  });

  it('counts a deleted source as a change', () => {
    const { root, bundle } = project();
    rmSync(path.join(root, 'main/host/app-service.ts'));
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/app-service\.ts \(deleted\)/);
  });

  it('says which entry is missing, and refuses a bundle without its build information', () => {
    const { root, bundle } = project();
    expect(bundleProblem(bundle, root, ['service-process.js', 'parse-worker.js'])).toBe(`${path.join(bundle, 'parse-worker.js')} is missing`);
    rmSync(path.join(bundle, BUILD_INFO_FILE));
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/build-info\.json is missing or unreadable/);
    writeFileSync(path.join(bundle, BUILD_INFO_FILE), '{"builtAt": "yesterday"}');
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/missing or unreadable/);
  });

  it('accepts a source whose time moved after the build but whose text did not (a checkout, an editor)', () => {
    const { root, bundle, touch, builtAt } = project();
    for (const source of SOURCES) touch(source, builtAt + 5_000);
    expect(bundleProblem(bundle, root, ['service-process.js'])).toBeUndefined();
  });

  it('names the source whose text changed, among others only touched', () => {
    const { root, bundle, touch, edit, builtAt } = project();
    touch('main/host/app-service.ts', builtAt + 5_000);
    edit('main/host/service-process.ts', '// main/host/service-process.ts\nexport const built = 2;\n');
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/older than its sources \(main\/host\/service-process\.ts changed after the build/);
  });

  it('counts a change back to the built text as no change', () => {
    const { root, bundle, edit } = project();
    edit('main/host/app-service.ts', 'export const built = 2;\n');
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/app-service\.ts changed/);
    edit('main/host/app-service.ts', '// main/host/app-service.ts\nexport const built = 1;\n');
    expect(bundleProblem(bundle, root, ['service-process.js'])).toBeUndefined();
  });

  it('counts a deleted source as a change even when its hash was recorded', () => {
    const { root, bundle } = project();
    rmSync(path.join(root, 'main/host/service-process.ts'));
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/service-process\.ts \(deleted\)/);
  });

  it('sees a source added to the code through the file that now imports it', () => {
    const { root, bundle, edit } = project();
    // The new module is not in the build's list; the one that imports it is, and its text changed.
    writeFileSync(path.join(root, 'main/host/new-module.ts'), 'export const added = true;\n');
    edit('main/host/app-service.ts', "import { added } from './new-module';\nexport const built = added;\n");
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/app-service\.ts changed/);
  });

  it('judges by time alone a source without a recorded hash, as with a build-info.json from before hashes', () => {
    const { root, bundle, touch, builtAt } = project({ hashes: false });
    touch('main/host/app-service.ts', builtAt + 5_000);
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/older than its sources \(main\/host\/app-service\.ts changed after the build/);
  });

  it('judges by time alone the sources the build could not vouch for, and trusts no malformed hash map', () => {
    const { root, bundle, touch, builtAt, writeInfo, info } = project();
    for (const source of SOURCES) touch(source, builtAt + 5_000);
    writeInfo({ hashes: { 'main/host/service-process.ts': info.hashes!['main/host/service-process.ts']! } });
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/older than its sources \(main\/host\/app-service\.ts changed after the build of [^)]*\)$/);

    writeInfo({ hashes: { 'main/host/service-process.ts': 42 } as unknown as Record<string, string> });
    expect(bundleProblem(bundle, root, ['service-process.js'])).toMatch(/app-service\.ts and 1 more changed/);
  });
});
