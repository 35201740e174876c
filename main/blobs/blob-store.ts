/**
 * The workstation's attachment files: content-addressed blobs on disk, named by the SHA-256 of
 * their bytes (the `sha256` of AttachmentMeta, core/schemas/messages.ts).
 *
 * - Sharded folders `ab/abcd…` (256 of them) keep any one folder small enough (a council's
 *   million attachments would otherwise sit in one directory, which file managers, backups and
 *   antivirus hate).
 * - A blob is written to `tmp/` first, hashed while it streams, flushed to disk, then renamed
 *   into place: a crash leaves at worst a stray temporary file, never a half blob under a real
 *   name. Renaming onto an existing blob is harmless (same name, same bytes).
 * - Reading verifies the hash as the bytes stream: a file damaged on disk fails the read at
 *   its end (and is moved aside), instead of reaching a citizen as a corrupt PDF.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export type StoredBlob = { sha256: string; size: number };

export type BlobErrorCode = 'BLOB_INVALID_HASH' | 'BLOB_HASH_MISMATCH' | 'BLOB_TOO_LARGE' | 'BLOB_NOT_FOUND' | 'BLOB_CORRUPT';

export class BlobError extends Error {
  override readonly name = 'BlobError';
  constructor(
    readonly code: BlobErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `ab/abcd…` under the store's folder: the layout the ingester writes too (main/mail/blobs.ts),
 * so one folder serves both.
 */
export function shardedPath(root: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new BlobError('BLOB_INVALID_HASH', `not a SHA-256 in lower-case hex: ${JSON.stringify(sha256)}`);
  return path.join(root, sha256.slice(0, 2), sha256);
}

/** Counts and hashes what passes through; refuses more than `maxBytes`. */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new BlobError('BLOB_TOO_LARGE', `the file is larger than the limit of ${this.maxBytes} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export type PutOptions = {
  /** The hash the bytes must have; the blob is refused (and nothing stored) when they do not. */
  expectedSha256?: string;
  maxBytes?: number;
};

export class BlobStore {
  private constructor(readonly root: string) {}

  /** Opens (creating) a store in `root`, and clears temporary files a crash left behind. */
  static async open(root: string): Promise<BlobStore> {
    await mkdir(path.join(root, 'tmp'), { recursive: true });
    for (const name of await readdir(path.join(root, 'tmp'))) await rm(path.join(root, 'tmp', name), { force: true });
    return new BlobStore(root);
  }

  pathOf(sha256: string): string {
    return shardedPath(this.root, sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Stores a stream's bytes, never holding them all in memory; resolves with their hash and size. */
  async putStream(source: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    if (options.expectedSha256 !== undefined && !SHA256_HEX.test(options.expectedSha256)) {
      throw new BlobError('BLOB_INVALID_HASH', `not a SHA-256 in lower-case hex: ${JSON.stringify(options.expectedSha256)}`);
    }
    const temporary = path.join(this.root, 'tmp', `${randomUUID()}.part`);
    const counter = new HashingCounter(options.maxBytes);
    try {
      await pipeline(source, counter, createWriteStream(temporary, { flags: 'wx' }));
      const sha256 = counter.digest();
      if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256) {
        throw new BlobError('BLOB_HASH_MISMATCH', `the bytes hash to ${sha256}, not ${options.expectedSha256}`);
      }
      await flush(temporary);
      const final = this.pathOf(sha256);
      await mkdir(path.dirname(final), { recursive: true });
      await rename(temporary, final);
      await flush(path.dirname(final));
      return { sha256, size: counter.size };
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** Stores bytes already in memory (a small inline image, a test). */
  async putBytes(bytes: Uint8Array, options: PutOptions = {}): Promise<StoredBlob> {
    return this.putStream(Readable.from([Buffer.from(bytes)]), options);
  }

  /**
   * A stream of the blob's bytes, checked against its name as they pass: the stream fails with
   * BLOB_CORRUPT at its end if they do not match, and the damaged file is moved aside so the next
   * read fetches a good copy. Throws BLOB_NOT_FOUND when the blob is not here.
   */
  async open(sha256: string): Promise<Readable> {
    const file = this.pathOf(sha256);
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new BlobError('BLOB_NOT_FOUND', `no blob ${sha256} on this workstation`);
      throw error;
    });
    const hash = createHash('sha256');
    const quarantine = async () => {
      await mkdir(path.join(this.root, 'corrupt'), { recursive: true });
      await rename(file, path.join(this.root, 'corrupt', `${sha256}.${Date.now()}`)).catch(() => undefined);
    };
    const verifier = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const actual = hash.digest('hex');
        if (actual === sha256) return callback();
        quarantine().then(
          () => callback(new BlobError('BLOB_CORRUPT', `blob ${sha256} is damaged on disk (its bytes hash to ${actual}); it was moved aside`)),
          callback,
        );
      },
    });
    const stream = handle.createReadStream();
    stream.on('error', (error) => verifier.destroy(error));
    return stream.pipe(verifier);
  }
}

/** fsync a file or a folder, so a rename that follows survives a power cut. */
async function flush(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
