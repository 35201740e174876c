import { describe, expect, it } from 'vitest';
import { takeSecret } from './web';

function tab(hash: string) {
  const stored = new Map<string, string>();
  const replaced: string[] = [];
  const location = { hash, pathname: '/', search: '' } as Location;
  const storage = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) } as Storage;
  const history = { state: null, replaceState: (_state: unknown, _title: string, url: string) => void replaced.push(url) } as unknown as History;
  return { location, storage, history, replaced };
}

describe("the web host's secret in the page", () => {
  it('is taken from the fragment, kept for reloads of this tab, and removed from the address bar', () => {
    const secret = 'ab'.repeat(32);
    const page = tab(`#secret=${secret}`);
    expect(takeSecret(page.location, page.storage, page.history)).toBe(secret);
    expect(page.replaced).toEqual(['/']);
    // The reload: no fragment any more, the tab still knows it.
    page.location.hash = '';
    expect(takeSecret(page.location, page.storage, page.history)).toBe(secret);
  });

  it('is absent when the page was opened without it, or with something that is not a secret', () => {
    for (const hash of ['', '#/inbox/mine', '#secret=<script>', '#secret=12']) {
      const page = tab(hash);
      expect(takeSecret(page.location, page.storage, page.history), hash).toBeUndefined();
    }
  });
});
