/**
 * The blobs this workstation still has to upload: the attachments of mail it ingested and of
 * replies its clerks wrote, which other workstations fetch from the server. Kept in a small
 * SQLite file so an upload waiting for the server survives restarts. The ingester and the outbox
 * `enqueue` a hash after the blob is stored; the service calls `drain` whenever the server is
 * reachable (after each successful sync cycle, and on a timer).
 */
import Database from 'better-sqlite3';
import { BlobError } from './blob-store';
import { BlobTransferError, type BlobClient } from './blob-client';

export type DrainReport = {
  uploaded: number;
  /** Still waiting (the server could not be reached, or refused for now). */
  remaining: number;
  /** Blobs taken off the list because they can never be uploaded from here, with why. */
  dropped: { sha256: string; reason: string }[];
  /** Why the drain stopped early, in words. */
  error?: string;
};

export class BlobUploadQueue {
  private readonly db: Database.Database;
  private draining: Promise<DrainReport> | undefined;

  private constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS pending_uploads (sha256 TEXT PRIMARY KEY, queued_at INTEGER NOT NULL) STRICT');
  }

  static open(file: string): BlobUploadQueue {
    return new BlobUploadQueue(file);
  }

  enqueue(sha256: string, now = Date.now()): void {
    this.db.prepare('INSERT OR IGNORE INTO pending_uploads (sha256, queued_at) VALUES (?, ?)').run(sha256, now);
  }

  pending(): string[] {
    return (this.db.prepare('SELECT sha256 FROM pending_uploads ORDER BY queued_at, sha256').all() as { sha256: string }[]).map((row) => row.sha256);
  }

  /** Uploads what is pending, oldest first; one drain at a time (callers share a running one). */
  drain(client: BlobClient): Promise<DrainReport> {
    this.draining ??= this.uploadAll(client).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async uploadAll(client: BlobClient): Promise<DrainReport> {
    const report: DrainReport = { uploaded: 0, remaining: 0, dropped: [] };
    const remove = this.db.prepare('DELETE FROM pending_uploads WHERE sha256 = ?');
    const pending = this.pending();
    for (const [index, sha256] of pending.entries()) {
      try {
        await client.upload(sha256);
        remove.run(sha256);
        report.uploaded++;
      } catch (error) {
        if (error instanceof BlobError || (error instanceof BlobTransferError && error.kind === 'server' && error.status === 400)) {
          // Gone from disk, or bytes that no longer match their name: no retry will help.
          remove.run(sha256);
          report.dropped.push({ sha256, reason: error.message });
          continue;
        }
        report.error = error instanceof Error ? error.message : String(error);
        report.remaining = pending.length - index;
        return report;
      }
    }
    return report;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
