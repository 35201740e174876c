/**
 * Mail ingestion from a real Dovecot on loopback (issue 5's benchmark):
 *
 * - `raw`: the ceiling — imapflow alone FETCHing every message's source on one connection,
 *   nothing written anywhere (shared/NOTES.md measured 3,657 msg/s here for 10k Spanish mails).
 * - `ours`: a fresh workstation's mail channel back-filling the same mailbox: fetch into the
 *   spool (raw files + SQLite), parse (mailparser), thread and write citizens, tickets and
 *   messages through RxDB into the local database, until every message is a document.
 *   `ratio` = ours / raw msgs/s (target ≥ 0.6).
 * - `idle`: new mail delivered over LMTP, one at a time, to the message document being in the
 *   local database (target ≤ 5 s; Dovecot itself waits ~0.5 s before it tells an IDLE client).
 *
 * Options (flags or environment): --messages 2000 (the issue's full run: 10000), --attachment-
 * share 0.05 (messages with a 1–3 MB attachment, as NOTES' corpus), --idle-samples 10,
 * --durability full|normal, --batch 100 (processing batch), --parse-workers (parser threads;
 * default: the channel's own choice for this machine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { openLocalDatabase } from '../main/store/local-database';
import { startMailChannel } from '../main/mail/index';
import { openCitizenDirectory } from '../main/mail/test-support/citizen-directory';
import { startDovecot } from '../main/mail/test-support/dovecot';
import { councilMailbox } from '../main/mail/test-support/generated-mail';
import { loadAverage, machine, megabytes, ms, numberOption, percentiles, progress, ratio, stringOption, tempFolder } from './support';

const MESSAGES = numberOption('messages', 2000);
const ATTACHMENT_SHARE = numberOption('attachment_share', 0.05);
const IDLE_SAMPLES = numberOption('idle_samples', 10);
const BATCH = numberOption('batch', 100);
const DURABILITY = stringOption('durability', 'full') === 'normal' ? 'normal' : 'full';
const TIMEOUT_MS = numberOption('timeout_ms', 20 * 60_000);
const PARSE_WORKERS = numberOption('parse_workers', 0) || undefined;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`: 100 on Linux x86-64). */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) used so far by every process of Dovecot's process group (master,
 * imap, imap-login, auth…), those that ended and were reaped by the master included (its
 * cutime/cstime): Dovecot's share of the cores during a phase, the other half of the ceiling.
 */
function dovecotCpuSeconds(folder: string): number {
  let master: number | undefined;
  const stats: { pid: number; group: number; own: number; children: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const tick = (field: number) => Number(fields[field - 3]);
      stats.push({ pid: Number(entry), group: tick(5), own: tick(14) + tick(15), children: tick(16) + tick(17) });
      if (master === undefined && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${folder}/dovecot.conf`)) master = Number(entry);
    } catch {
      // A process that ended meanwhile.
    }
  }
  if (master === undefined) return Number.NaN;
  let ticks = 0;
  for (const stat of stats) if (stat.group === master) ticks += stat.own + (stat.pid === master ? stat.children : 0);
  return ticks / CLOCK_TICKS;
}

/** CPU seconds of this process, every thread (parser workers included). */
function processCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU seconds of this process's main thread alone (the service's thread: IMAP, spool, RxDB). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds per thread of this process, by name and id: Node names its own threads (workers,
 * libuv's file I/O pool, V8's helpers) all "node", so the busiest stand out by their figures.
 */
function threadCpuSeconds(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = tid === String(process.pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}#${tid}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return byName;
}

type CpuMark = { process: number; main: number; dovecot: number };

/** What a phase used of the machine: CPU per message, here and in Dovecot, and in cores. */
function cpuOf(start: CpuMark, end: CpuMark, seconds: number, messages: number) {
  const own = end.process - start.process;
  const main = end.main - start.main;
  const server = end.dovecot - start.dovecot;
  return {
    processMsPerMsg: ms((own * 1000) / messages),
    // The rest of the process: parser threads, the search index's thread, libuv's file I/O, GC helpers.
    mainThreadMsPerMsg: ms((main * 1000) / messages),
    dovecotMsPerMsg: ms((server * 1000) / messages),
    coresUsed: Math.round(((own + server) / seconds) * 100) / 100,
  };
}

const startMachine = machine();
const dovecot = await startDovecot();
const folder = tempFolder('ventanilla-bench-mail-');
const deadline = setTimeout(() => {
  progress(`stopping: the benchmark ran past ${TIMEOUT_MS} ms`);
  process.exit(2);
}, TIMEOUT_MS);
try {
  progress(`generating ${MESSAGES} messages (${ATTACHMENT_SHARE * 100}% with a 1–3 MB attachment)`);
  // Written in slices, so that a 100k mailbox never sits in memory whole.
  let bytes = 0;
  let written = 0;
  let slice: Buffer[] = [];
  const writeSlice = () => {
    const first = written;
    dovecot.writeMaildir(slice, { receivedAt: (index) => new Date(Date.UTC(2026, 0, 1) + (first + index) * 60_000) });
    written += slice.length;
    slice = [];
  };
  for (const mail of councilMailbox(MESSAGES, { attachmentShare: ATTACHMENT_SHARE })) {
    bytes += mail.length;
    slice.push(mail);
    if (slice.length === 1_000) writeSlice();
  }
  writeSlice();
  progress(`mailbox of ${megabytes(bytes)} MB written; raw FETCH (the ceiling)`);

  // ── the ceiling: imapflow's FETCH of every source, one connection, nothing stored ──
  const raw = await dovecot.client();
  await raw.mailboxOpen('INBOX', { readOnly: true });
  // The first SELECT indexes the new maildir files: not part of either measurement.
  let rawCount = 0;
  const cpuAt = (): CpuMark => ({ process: processCpuSeconds(), main: mainThreadCpuSeconds(), dovecot: dovecotCpuSeconds(dovecot.folder) });
  const rawCpuStart = cpuAt();
  const rawStart = performance.now();
  for await (const message of raw.fetch('1:*', { uid: true, source: true }, { uid: true })) if (message.source) rawCount++;
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawCpu = cpuOf(rawCpuStart, cpuAt(), rawSeconds, rawCount);
  await raw.logout();
  progress(`raw: ${rawCount} messages in ${rawSeconds.toFixed(1)} s; now ours`);

  // ── ours: a fresh workstation back-fills the mailbox into documents ──
  const local = await openLocalDatabase({ directory: folder.path, name: 'clerk', durability: DURABILITY });
  const citizens = openCitizenDirectory(local.db, folder.path);
  const mail = await startMailChannel({ db: local.db, dataDir: folder.path, citizens, durability: DURABILITY, batchSize: BATCH, ...(PARSE_WORKERS && { parseWorkers: PARSE_WORKERS }), log: (line) => progress(line) });
  const oursCpuStart = cpuAt();
  const threadsStart = threadCpuSeconds();
  const oursStart = performance.now();
  let fetchedAt = 0;
  let heapPeak = 0;
  await mail.saveAccount(
    {
      name: 'Registro',
      host: dovecot.host,
      port: dovecot.port,
      security: 'none',
      user: dovecot.users[0]!.user,
      address: dovecot.users[0]!.user,
      defaultDepartmentId: 'registro',
      options: { batchSize: 200, pollSeconds: 3600 },
    },
    dovecot.users[0]!.password,
  );
  let lastReport = 0;
  for (;;) {
    const status = mail.status();
    const processed = status.spool.done + status.spool.duplicate + status.spool.quarantined;
    const spooled = processed + status.spool.fetched;
    if (!fetchedAt && spooled >= rawCount) fetchedAt = performance.now();
    const memory = process.memoryUsage();
    heapPeak = Math.max(heapPeak, memory.heapUsed + memory.arrayBuffers);
    if (processed >= rawCount && status.spool.fetched === 0) break;
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      progress(`ours: ${spooled} spooled, ${processed} documents of ${rawCount}`);
    }
    // Each look costs the service's thread two counts over the spool: not too often.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const oursSeconds = (performance.now() - oursStart) / 1000;
  const oursCpu = cpuOf(oursCpuStart, cpuAt(), oursSeconds, rawCount);
  const threads = [...threadCpuSeconds()]
    .map(([name, seconds]) => [name, ms(((seconds - (threadsStart.get(name) ?? 0)) * 1000) / rawCount)] as const)
    .filter(([, perMessage]) => perMessage >= 0.01)
    .sort((a, b) => b[1] - a[1]);
  progress(`ours: CPU ms per message by thread: ${threads.map(([name, perMessage]) => `${name} ${perMessage}`).join(', ')}`);
  const fetchSeconds = (fetchedAt - oursStart) / 1000;
  const counts = { tickets: await local.db.tickets.count().exec(), messages: await local.db.messages.count().exec(), citizens: await local.db.citizens.count().exec(), ...mail.status().spool };
  progress(`ours: ${rawCount} messages in ${oursSeconds.toFixed(1)} s (spooled in ${fetchSeconds.toFixed(1)} s); IDLE latency`);

  // ── new mail → document, through IDLE ──
  const lmtp = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: dovecot.lmtpPort, ignoreTLS: true });
  const latencies: number[] = [];
  for (let sample = 0; sample < IDLE_SAMPLES; sample++) {
    const messageId = `idle-${sample}@correo.test`;
    const arrived = new Promise<number>((resolve) => {
      const subscription = local.db.messages.insert$.subscribe((event) => {
        if (event.documentData.email?.messageId === messageId) {
          subscription.unsubscribe();
          resolve(performance.now());
        }
      });
    });
    const sent = performance.now();
    await lmtp.sendMail({ from: 'vecina@correo.test', to: dovecot.users[0]!.user, subject: `Aviso ${sample}`, text: 'Hay una farola fundida.', messageId: `<${messageId}>` });
    latencies.push((await arrived) - sent);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  lmtp.close();
  await mail.stop();
  citizens.close();
  await local.close();

  const rawPerSec = rawCount / rawSeconds;
  const oursPerSec = rawCount / oursSeconds;
  const idle = percentiles(latencies);
  console.log(
    JSON.stringify({
      bench: 'mail-ingest',
      machine: { ...startMachine, loadAtEnd: loadAverage() },
      options: { messages: MESSAGES, attachmentShare: ATTACHMENT_SHARE, durability: DURABILITY, batch: BATCH, parseWorkers: PARSE_WORKERS ?? 'default' },
      mailbox: { messages: rawCount, megabytes: megabytes(bytes) },
      raw: { seconds: ms(rawSeconds), msgsPerSec: Math.round(rawPerSec), mbPerSec: Math.round(megabytes(bytes) / rawSeconds), cpu: rawCpu },
      ours: { seconds: ms(oursSeconds), msgsPerSec: Math.round(oursPerSec), spoolMsgsPerSec: Math.round(rawCount / fetchSeconds), heapPeakMb: megabytes(heapPeak), cpu: oursCpu, documents: counts },
      ratio: ratio(oursPerSec, rawPerSec),
      idleMs: idle,
      targets: { ratio: { target: 0.6, holds: oursPerSec / rawPerSec >= 0.6 }, idleMs: { target: 5000, holds: idle.max <= 5000 } },
    }),
  );
} finally {
  clearTimeout(deadline);
  await dovecot.close();
  folder.remove();
}
