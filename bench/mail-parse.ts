/**
 * The mail parser alone (main/mail/parse-mail.ts: mailparser, the blobs, what threading needs) on
 * the ingestion benchmark's mailbox, in this thread, from files in a temp folder: CPU per message
 * of this thread and of the rest of the process (V8's helper threads: garbage collection and
 * compilation; libuv's pool), and the garbage collections by kind. Without Dovecot, the database
 * or the other parser thread, what one change to parsing does shows here first; mail-ingest.ts
 * then says what it does end to end.
 *
 * V8 flags are the process's: compare them by running this under each, e.g.
 *   node --initial-old-space-size=64 --import tsx bench/mail-parse.ts
 *
 * Options (flags or environment): --messages 1000, --attachment-share 0.05 (as mail-ingest.ts),
 * --reps 3 (passes over the mailbox, after a warm-up of 100 mails), --blocking 1 (read and write
 * as a parser thread does; 0: through libuv's pool, as the service's own thread would).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { BlobWriter } from '../main/mail/blobs';
import { parseRawMail } from '../main/mail/parse-mail';
import { councilMailbox } from '../main/mail/test-support/generated-mail';
import { loadAverage, machine, megabytes, ms, numberOption, progress, tempFolder } from './support';

const MESSAGES = numberOption('messages', 1000);
const ATTACHMENT_SHARE = numberOption('attachment_share', 0.05);
const REPS = numberOption('reps', 3);
const BLOCKING = numberOption('blocking', 1) !== 0;

/** CPU milliseconds of this thread alone (/proc: user + system, in clock ticks of 10 ms). */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

const startMachine = machine();
const folder = tempFolder('ventanilla-bench-mail-parse-');
try {
  const files: string[] = [];
  let bytes = 0;
  for (const mail of councilMailbox(MESSAGES, { attachmentShare: ATTACHMENT_SHARE })) {
    const file = path.join(folder.path, `${files.length}.eml`);
    writeFileSync(file, mail);
    files.push(file);
    bytes += mail.length;
  }
  progress(`${files.length} mails (${megabytes(bytes)} MB) written; parsing ${REPS} times`);
  // Full durability, as the service's default: a blob is flushed before it is named.
  const blobs = new BlobWriter(path.join(folder.path, 'blobs'), { fsync: true, blocking: BLOCKING });
  const gcs = { minor: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node gives a GC entry its kind in `detail`, which the DOM-shaped type does not declare.
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  for (const file of files.slice(0, 100)) await parseRawMail(file, blobs, { blocking: BLOCKING });

  const reps = [];
  for (let rep = 0; rep < REPS; rep++) {
    gcs.minor = 0;
    gcs.major = 0;
    const processStart = processCpuMs();
    const threadStart = threadCpuMs();
    const start = performance.now();
    for (const file of files) await parseRawMail(file, blobs, { blocking: BLOCKING });
    const seconds = (performance.now() - start) / 1000;
    const all = processCpuMs() - processStart;
    const own = threadCpuMs() - threadStart;
    reps.push({
      msgsPerSec: Math.round(files.length / seconds),
      processMsPerMsg: ms(all / files.length),
      parserThreadMsPerMsg: ms(own / files.length),
      restOfProcessMsPerMsg: ms((all - own) / files.length),
      gcsPer1000: { minor: Math.round((gcs.minor * 1000) / files.length), major: Math.round((gcs.major * 1000) / files.length) },
    });
    progress(`pass ${rep + 1}: ${JSON.stringify(reps[reps.length - 1])}`);
  }
  observer.disconnect();
  console.log(
    JSON.stringify({
      bench: 'mail-parse',
      machine: { ...startMachine, loadAtEnd: loadAverage() },
      options: { messages: MESSAGES, attachmentShare: ATTACHMENT_SHARE, reps: REPS, blocking: BLOCKING, nodeFlags: process.execArgv.filter((arg) => /^--(?!require|import|loader)/.test(arg)) },
      mailbox: { messages: files.length, megabytes: megabytes(bytes) },
      reps,
    }),
  );
} finally {
  folder.remove();
}
