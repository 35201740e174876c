// A bundle is run only while it is the code in the working tree: after an edit, a pull or a
// deleted file, whoever starts it hears which source changed.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { BUILD_INFO_FILE, bundleProblem, type BuildInfo } from './bundle-freshness';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

/** A project with two sources and their bundle, built one minute after the sources were written. */
function project(): { root: string; bundle: string; touch(source: string, at: number): void; builtAt: number } {
  const made = temporaryFolder('ventanilla-bundle-');
  folders.push(made);
  const root = made.folder;
  const builtAt = Date.now();
  const touch = (source: string, at: number) => utimesSync(path.join(root, source), at / 1000, at / 1000);
  mkdirSync(path.join(root, 'main', 'host'), { recursive: true });
  for (const source of ['main/host/service-process.ts', 'main/host/app-service.ts']) {
    writeFileSync(path.join(root, source), '// source');
    touch(source, builtAt - 60_000);
  }
  const bundle = path.join(root, 'out', 'host');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(path.join(bundle, 'service-process.js'), '// built');
  const info: BuildInfo = { builtAt, sources: ['main/host/app-service.ts', 'main/host/service-process.ts'] };
  writeFileSync(path.join(bundle, BUILD_INFO_FILE), JSON.stringify(info));
  return { root, bundle, touch, builtAt };
}

describe('whether a bundle is the current code', () => {
  it('accepts a bundle built after every one of its sources', () => {
    const { root, bundle } = project();
    expect(bundleProblem(bundle, root, ['service-process.js'])).toBeUndefined();
  });

  it('names the source edited after the build', () => {
    const { root, bundle, touch, builtAt } = project();
    touch('main/host/app-service.ts', builtAt + 5_000);
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
});
