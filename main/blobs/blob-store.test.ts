import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { BlobStore } from './blob-store';

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

describe('BlobStore', () => {
  let temp: { folder: string; remove(): void };
  let store: BlobStore;
  beforeEach(async () => {
    temp = temporaryFolder('ventanilla-blobs-');
    store = await BlobStore.open(temp.folder);
  });
  afterEach(() => temp.remove());

  it('stores a file under the SHA-256 of its bytes, in sharded folders, and reads it back', async () => {
    const stored = await store.putStream(Readable.from([Buffer.from('Solicitud de '), Buffer.from('licencia de obra menor')]));
    const hash = sha('Solicitud de licencia de obra menor');
    expect(stored).toEqual({ sha256: hash, size: 35 });
    expect(store.pathOf(hash)).toBe(path.join(temp.folder, hash.slice(0, 2), hash));
    expect(await store.has(hash)).toBe(true);
    expect(await text(await store.open(hash))).toBe('Solicitud de licencia de obra menor');
  });

  it('stores the same bytes twice as one file', async () => {
    await store.putBytes(Buffer.from('dni.pdf'));
    await store.putBytes(Buffer.from('dni.pdf'));
    const hash = sha('dni.pdf');
    expect(readdirSync(path.dirname(store.pathOf(hash)))).toEqual([hash]);
  });

  it('refuses bytes that do not match the expected hash, and keeps nothing of them', async () => {
    const expected = sha('el original');
    await expect(store.putBytes(Buffer.from('una copia alterada'), { expectedSha256: expected })).rejects.toMatchObject({ code: 'BLOB_HASH_MISMATCH' });
    expect(await store.has(expected)).toBe(false);
    expect(await store.has(sha('una copia alterada'))).toBe(false);
    expect(readdirSync(path.join(temp.folder, 'tmp'))).toEqual([]);
  });

  it('refuses a file over the size limit', async () => {
    await expect(store.putBytes(Buffer.alloc(2048), { maxBytes: 1024 })).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    expect(readdirSync(path.join(temp.folder, 'tmp'))).toEqual([]);
  });

  it('fails the read of a file damaged on disk and moves it aside', async () => {
    const { sha256 } = await store.putBytes(Buffer.from('plano de la cochera'));
    writeFileSync(store.pathOf(sha256), 'plano de la cocherA');
    await expect(text(await store.open(sha256))).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
    expect(await store.has(sha256)).toBe(false);
    expect(readdirSync(path.join(temp.folder, 'corrupt'))).toHaveLength(1);
  });

  it('says which blob is missing', async () => {
    await expect(store.open(sha('nunca guardado'))).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    await expect(store.open('../../etc/passwd')).rejects.toMatchObject({ code: 'BLOB_INVALID_HASH' });
  });

  it('clears the temporary files a crash left behind when it opens', async () => {
    writeFileSync(path.join(temp.folder, 'tmp', 'left-by-a-crash.part'), 'medio fichero');
    await BlobStore.open(temp.folder);
    expect(readdirSync(path.join(temp.folder, 'tmp'))).toEqual([]);
  });
});
