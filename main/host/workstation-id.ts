// This workstation's own stable id: created once, kept in its data folder, never a user's. The
// outbox sends only the replies whose `outbox.workstationId` is this one (docs/mail.md, Sending),
// so it must survive restarts and sign-outs, and a clerk who signs in on another PC must not
// take their unsent replies along.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../../core/ids';

const FILE = 'workstation-id';
/** `outbox.workstationId` is at most 40 characters (core/schemas/messages.ts). */
const VALID = /^[A-Za-z0-9_-]{8,40}$/;

/** Reads the id kept in `dataDir`, creating it the first time. A damaged file is an error, not a new id: a new id would orphan the queued replies. */
export function workstationIdOf(dataDir: string): string {
  const file = path.join(dataDir, FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    if (!VALID.test(text)) throw new Error(`${file} does not hold a workstation id (${JSON.stringify(text.slice(0, 60))}); restore it from a backup, or delete it to make a new one (this workstation's unsent replies would then stay unsent)`);
    return text;
  }
  const id = newId();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${id}\n`);
  renameSync(`${file}.tmp`, file);
  return id;
}
