import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_SQLITE_INSTANCES, getRxStorageSqlite } from './index';
import { caseDoc, ids, insertRows, openCases, temporaryFolder } from './test-support/storage-fixtures';

let tmp: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  tmp = temporaryFolder('ventanilla-faults-');
});
afterEach(async () => {
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

describe('a damaged database file', () => {
  it('is refused with a clear error that names the file, and left byte for byte as it was', async () => {
    const file = getRxStorageSqlite({ directory: tmp.folder }).fileOf('clerk');
    const garbage = Buffer.from('Esto no es una base de datos SQLite, es un acta escaneada.'.repeat(100));
    writeFileSync(file, garbage);

    const opening = openCases(tmp.folder);
    await expect(opening).rejects.toMatchObject({ storeError: true });
    await expect(opening).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
    await expect(opening).rejects.toThrow(file);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('reports damaged pages when they are read, without changing the file', async () => {
    const first = await openCases(tmp.folder);
    const docs = Array.from({ length: 400 }, (_, i) => caseDoc({ id: `c${i}`, subject: 'Reclamación '.repeat(40) }));
    await first.instance.bulkWrite(insertRows(docs), 'test');
    await first.instance.close();

    const file = getRxStorageSqlite({ directory: tmp.folder }).fileOf('clerk');
    const bytes = readFileSync(file);
    // Overwrite the middle of the file (table and index pages), keep the header intact.
    bytes.fill(0xa5, 8192, bytes.length - 4096);
    writeFileSync(file, bytes);

    const reading = (async () => {
      const { instance } = await openCases(tmp.folder);
      return ids(instance, { selector: {}, sort: [{ updatedAt: 'asc' }] });
    })();
    await expect(reading).rejects.toMatchObject({ storeError: true });
    await expect(reading).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_(CORRUPT|NOTADB)/) });
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('a database locked by another program', () => {
  it('fails the write with SQLITE_BUSY, stores nothing of it, and works again once the lock is gone', async () => {
    const { instance, storage } = await openCases(tmp.folder, 'clerk', { busyTimeoutMs: 50 });
    const intruder = new Database(storage.fileOf('clerk'));
    intruder.exec('BEGIN EXCLUSIVE');

    const write = instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test');
    await expect(write).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/), storeError: true });

    intruder.exec('ROLLBACK');
    intruder.close();
    expect(await instance.findDocumentsById(['a'], true)).toEqual([]);
    expect((await instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test')).error).toEqual([]);
  });
});

/**
 * A really full disk: a small tmpfs when we may mount one (root, as in CI); otherwise SQLite's own
 * size limit (max_page_count), which fails writes with the same SQLITE_FULL.
 */
function smallDisk(): { folder: string; fill: () => void; free: () => void; release: () => void } | undefined {
  const folder = path.join(tmp.folder, 'disk');
  mkdirSync(folder);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', folder], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const filler = path.join(folder, 'filler');
  return {
    folder,
    // Leave the database a little room, then none.
    fill: () => {
      try {
        writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));
      } catch {
        /* ENOSPC: the disk is now full, which is the point */
      }
    },
    free: () => rmSync(filler, { force: true }),
    release: () => execFileSync('umount', ['-l', folder]),
  };
}

describe('a full disk', () => {
  it('fails the write that does not fit as a whole, keeps everything acknowledged, and writes again once there is room', async () => {
    const disk = smallDisk();
    const directory = disk?.folder ?? tmp.folder;
    try {
      const { instance } = await openCases(directory);
      const db = instance.internals.connection.db;
      const batch = (n: number) => Array.from({ length: 20 }, (_, i) => caseDoc({ id: `b${n}-${i}`, subject: 'Solicitud de ayuda '.repeat(50) }));
      await instance.bulkWrite(insertRows(batch(0)), 'test');
      if (disk) disk.fill();
      else db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

      let acknowledged = 1;
      let failure: unknown;
      for (let n = 1; n < 200 && !failure; n++) {
        try {
          await instance.bulkWrite(insertRows(batch(n)), 'test');
          acknowledged++;
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toMatchObject({ storeError: true });
      expect(failure).toMatchObject({ code: expect.stringMatching(/^SQLITE_FULL/) });
      expect((failure as Error).message).toMatch(/full/);

      const count = db.prepare(`SELECT count(*) FROM "${instance.internals.table}"`).pluck().get();
      expect(count).toBe(acknowledged * 20);

      if (disk) disk.free();
      else db.pragma('max_page_count = 1073741823');
      expect((await instance.bulkWrite(insertRows(batch(1000)), 'test')).error).toEqual([]);
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      await instance.close();
    } finally {
      disk?.release();
    }
  });
});

describe('a closed collection', () => {
  it('refuses writes with a clear error instead of writing through a connection others still use', async () => {
    const { instance } = await openCases(tmp.folder);
    await openCases(tmp.folder);
    await instance.close();
    await expect(instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
