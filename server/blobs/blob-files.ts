/**
 * The server's copy of the attachment blobs, for workstations to fetch on demand: files named by
 * their SHA-256 in sharded folders (`ab/abcd…`), written to `tmp/` while the upload streams
 * in (hashed and counted on the way, never held in memory), and renamed into place only when the
 * bytes match the name they were uploaded under. The workstation's store (main/blobs) has the
 * same layout; server/ never imports main/, hence this small twin.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export type BlobUploadOutcome =
  | { ok: true; created: boolean; size: number }
  | { ok: false; reason: 'mismatch'; actual: string }
  | { ok: false; reason: 'too_large' };

class TooLarge extends Error {}

export class ServerBlobFiles {
  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ServerBlobFiles> {
    await mkdir(path.join(root, 'tmp'), { recursive: true });
    // Uploads cut by a crash or a restart.
    for (const name of await readdir(path.join(root, 'tmp'))) await rm(path.join(root, 'tmp', name), { force: true });
    return new ServerBlobFiles(root);
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new RangeError(`not a SHA-256 in lower-case hex: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** The size of a stored blob, or null when it is not here. */
  async sizeOf(sha256: string): Promise<number | null> {
    try {
      const info = await stat(this.pathOf(sha256));
      return info.isFile() ? info.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Streams an upload to disk and keeps it only if its bytes hash to `sha256`. Idempotent: a blob
   * already stored is proven again (the uploader must send the bytes: a bare "I have it" would
   * tell anyone which files the council holds) and kept as it is.
   */
  async put(sha256: string, body: Readable, maxBytes: number): Promise<BlobUploadOutcome> {
    const temporary = path.join(this.root, 'tmp', `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new TooLarge());
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(temporary, { flags: 'wx' }));
    } catch (error) {
      await rm(temporary, { force: true });
      if (error instanceof TooLarge) return { ok: false, reason: 'too_large' };
      throw error;
    }
    try {
      const actual = hash.digest('hex');
      if (actual !== sha256) return { ok: false, reason: 'mismatch', actual };
      const final = this.pathOf(sha256);
      if ((await this.sizeOf(sha256)) !== null) return { ok: true, created: false, size };
      await sync(temporary);
      await mkdir(path.dirname(final), { recursive: true });
      await rename(temporary, final);
      await sync(path.dirname(final));
      return { ok: true, created: true, size };
    } finally {
      await rm(temporary, { force: true });
    }
  }

  openRead(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }
}

async function sync(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
