/**
 * Attachments as content-addressed blobs (issue 5): the bytes live once on disk, named by their
 * SHA-256, under `<dataDir>/blobs/<first two hex>/<sha256>`; documents hold only the name, type,
 * size and hash. The same file in a hundred mails is one blob. A blob is written to a temporary
 * name, flushed and renamed, so a crash never leaves a half blob under a real name.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

export type BlobWriterOptions = {
  /** Flush each blob to disk before it is named (durability 'full'). Default true. */
  fsync?: boolean;
  /**
   * Write with blocking calls on this thread instead of libuv's pool: for a parser thread, which
   * waits for its blob anyway and would otherwise queue behind the fetcher's flushes of raw mail
   * (the pool has 4 threads for the whole process). Never on the service's own thread.
   */
  blocking?: boolean;
};

export class BlobWriter {
  private readonly fsync: boolean;
  private readonly blocking: boolean;

  constructor(
    readonly directory: string,
    options: BlobWriterOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.blocking = options.blocking ?? false;
  }

  /** The path of the blob with this SHA-256. */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a SHA-256: ${sha256}`);
    return path.join(this.directory, sha256.slice(0, 2), sha256);
  }

  /** Writes the bytes (once) and returns their SHA-256. `knownSha256` is trusted only if it looks like one. */
  async write(content: Uint8Array, knownSha256?: string): Promise<string> {
    const sha256 = knownSha256 && /^[0-9a-f]{64}$/.test(knownSha256) ? knownSha256 : createHash('sha256').update(content).digest('hex');
    const file = this.pathOf(sha256);
    if (existsSync(file)) return sha256;
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    if (this.blocking) this.writeBlocking(temporary, content);
    else await this.writeAsync(temporary, content);
    renameSync(temporary, file);
    return sha256;
  }

  private async writeAsync(temporary: string, content: Uint8Array): Promise<void> {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(content);
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private writeBlocking(temporary: string, content: Uint8Array): void {
    const fd = openSync(temporary, 'w');
    try {
      writeFileSync(fd, content);
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
