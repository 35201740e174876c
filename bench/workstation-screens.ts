/**
 * The workstation's screens on a council-sized replica, through the real chain: the web host
 * process (main/host/web-host.cli.ts) and its workstation service, the built screens
 * (dist/renderer) in Debian's Chromium. With 100k tickets (~300k messages) in the clerk's replica:
 *
 * - start → inbox painted: a fresh tab opens the host's address until the first rows show;
 * - filter change → list updated: a click on a filter's option until the list has changed;
 * - open a ticket with 200 interactions: from the route change until the 200 are on screen;
 * - memory of the workstation's processes: web host + service + the tab's renderer (PSS and RSS),
 *   and every process the web host has started (an esbuild under tsx counts too), right after the
 *   actions above and again after the workstation has sat idle (`memoryMb`, the target's figure).
 *
 *   npx tsx bench/workstation-screens.ts [--tickets 100000] [--runs 10] [--host bundle|source] [--replica FOLDER]
 *
 * `--host bundle` (default) runs the built web host and service (out/host) with plain node, as
 * `npm run web` does; `--host source` the TypeScript sources through tsx, to compare.
 * `--settle_ms 60000`: how long the workstation sits idle before memory is measured a second time.
 * `--replica FOLDER` copies a replica built before (and builds it there the first time).
 * Needs `npm run build` first. Prints one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/support/chromium';
import { bundleProblem } from '../main/host/bundle-freshness';
import { HOST_BUNDLE_DIR, HOST_BUNDLE_ENTRIES } from '../main/host/service-launch';
import { loadAverage, machine, megabytes, numberOption, percentiles, progress, stringOption, tempFolder } from './support';
import { buildReplica, useReplica } from './workstation-replica';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TICKETS = numberOption('tickets', 100_000);
const RUNS = numberOption('runs', 10);
const THREAD = 200;
const HOST = stringOption('host', 'bundle');
const REPLICA = stringOption('replica', '');
const SETTLE_MS = numberOption('settle_ms', 60_000);
if (HOST !== 'bundle' && HOST !== 'source') throw new Error(`--host must be "bundle" or "source", not ${HOST}`);

if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('the screens are not built: run "npm run build" first');
const unbuilt = HOST === 'bundle' ? bundleProblem(HOST_BUNDLE_DIR, ROOT, HOST_BUNDLE_ENTRIES) : undefined;
if (unbuilt) throw new Error(`the web host's build cannot be used (${unbuilt}): run "npm run build" first, or pass --host source`);

function startHost(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const args = HOST === 'bundle' ? [path.join(HOST_BUNDLE_DIR, 'web-host.cli.js')] : ['--import', 'tsx', path.join(ROOT, 'main/host/web-host.cli.ts')];
    const env = { ...process.env, VENTANILLA_SERVICE_FROM: HOST };
    const child = spawn(process.execPath, [...args, '--data', dataDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => progress(chunk.toString().trim()));
    child.on('exit', (code) => reject(new Error(`the web host exited (${code}) before printing its address`)));
  });
}

/** Resident and proportional memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: field('Rss'), pss: field('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** A process's command line, shortened to what names it (node and its flags, the script). */
function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return args.map((arg) => (arg.startsWith(ROOT) ? path.relative(ROOT, arg) : path.basename(arg))).join(' ').slice(0, 120);
  } catch {
    return '(ended)';
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  for (const child of childrenOf(pid)) all.push(child, ...descendants(child));
  return all;
}

async function inboxPainted(page: Page): Promise<void> {
  try {
    await page.getByRole('listbox', { name: 'Expedientes' }).getByRole('option').first().waitFor({ timeout: 60_000 });
  } catch (error) {
    const shot = path.join(ROOT, 'test-results', 'bench-workstation-screens.png');
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`the inbox did not paint (screenshot: ${shot})`, { cause: error });
  }
}

/** Milliseconds from the next click (capture phase) until the list changes and stops loading. */
async function armListUpdate(page: Page): Promise<void> {
  await page.evaluate(`window.__listUpdate = new Promise((resolve) => {
    let start;
    document.addEventListener('click', () => { start = performance.now(); }, { capture: true, once: true });
    const status = document.querySelector('[data-testid="inbox-status"]');
    const list = document.querySelector('[data-testid="inbox-list"]');
    const before = list.innerHTML;
    const check = () => {
      if (start !== undefined && status.dataset.loading === 'false' && list.innerHTML !== before) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(status, { attributes: true, childList: true, subtree: true, characterData: true });
    observer.observe(list, { attributes: true, childList: true, subtree: true });
  }); undefined`); // (`undefined`: evaluate would otherwise wait for the promise it just made)
}

/** A page-side wait, bounded: a screen that never updates is a finding, not a hung benchmark. */
function bounded<T>(wait: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)));
  return Promise.race([wait, timeout]).finally(() => clearTimeout(timer));
}

async function chooseFilter(page: Page, label: string, option: string): Promise<number> {
  await page.getByRole('combobox', { name: new RegExp(`^${label}`) }).click();
  await armListUpdate(page);
  await page.getByRole('option', { name: option, exact: true }).click();
  const elapsed = await bounded(page.evaluate<number>('window.__listUpdate'), `${label} → ${option}`);
  progress(`filter ${label} → ${option}: ${Math.round(elapsed)} ms`);
  return elapsed;
}

async function openLongTicket(page: Page, ticketId: string): Promise<number> {
  const elapsed = await bounded(openLongTicketOnce(page, ticketId), 'opening the long ticket');
  progress(`ticket with ${THREAD} interactions: ${Math.round(elapsed)} ms`);
  return elapsed;
}

function openLongTicketOnce(page: Page, ticketId: string): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve) => {
    const start = performance.now();
    location.hash = '#/ticket/${ticketId}';
    const tick = () => {
      const timeline = document.querySelector('[data-testid="timeline"]');
      if (timeline && timeline.querySelectorAll('article').length >= ${THREAD}) resolve(performance.now() - start);
      else requestAnimationFrame(tick);
    };
    tick();
  })`);
}

const folder = tempFolder('ventanilla-bench-screens-');
let host: ChildProcess | undefined;
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const loadAtStart = loadAverage();
  progress(REPLICA ? `copying the replica of ${REPLICA}…` : `building a replica of ${TICKETS} tickets…`);
  const replicaStarted = performance.now();
  const replica = REPLICA ? await useReplica(path.resolve(REPLICA), folder.path, TICKETS, THREAD) : await buildReplica(folder.path, TICKETS, THREAD);
  const replicaSeconds = Math.round((performance.now() - replicaStarted) / 100) / 10;
  progress(`replica ready in ${replicaSeconds} s; starting the web host`);
  const started = await startHost(folder.path);
  host = started.child;
  const loadBeforeQueries = loadAverage();

  // Start → inbox painted, in fresh tabs (each opens the host's address anew, as a clerk does).
  const startTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`${started.url.replace(/#.*$/, '')}#${started.url.split('#')[1]}`);
    await inboxPainted(page);
    startTimes.push(performance.now() - t0);
    progress(`start → inbox: ${Math.round(startTimes[startTimes.length - 1]!)} ms`);
    await context.close();
  }

  const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(started.url);
  await inboxPainted(page);
  await page.getByRole('tab', { name: /^Mis departamentos/ }).click();
  await inboxPainted(page);

  // Filter changes in "mis departamentos" (one indexed query per department).
  const filterTimes: number[] = [];
  const steps: [string, string][] = [
    ['Estado', 'Nuevo'],
    ['Estado', 'Abierto'],
    ['Estado', 'Pendiente'],
    ['Estado', 'Todos'],
    ['Prioridad', 'Alta'],
    ['Prioridad', 'Todos'],
    ['Canal', 'Teléfono'],
    ['Canal', 'Todos'],
  ];
  for (let run = 0; run < Math.max(1, Math.ceil(RUNS / 2)); run++) {
    for (const [label, option] of steps) filterTimes.push(await chooseFilter(page, label, option));
  }

  // A ticket with 200 interactions.
  const openTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    openTimes.push(await openLongTicket(page, replica.longTicketId));
    await page.evaluate(`location.hash = '#/inbox/departments'`);
    await inboxPainted(page);
  }

  // Memory: the web host, its service, and the renderer of the open tab — right after the clerk's
  // actions, and again once the workstation has sat idle for SETTLE_MS. Right after five openings
  // of a 200-interaction ticket the tab still holds their garbage (Chromium collects it lazily:
  // ~50 MB more renderer PSS, gone within a minute of idle without anything forcing it); the
  // settled figure is what a clerk's PC holds through the day, and the one the target is for.
  const hostPid = host.pid!;
  const measureMemory = async () => {
    const servicePids = descendants(hostPid);
    // Chromium is a child of this process (Playwright launched it); the web host is not.
    const chromiumPids = descendants(process.pid).filter((pid) => pid !== hostPid && !servicePids.includes(pid));
    const renderers = chromiumPids.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
      } catch {
        return false;
      }
    });
    const hostMemory = memoryOf(hostPid);
    const serviceMemory = servicePids.map(memoryOf).reduce((sum, m) => ({ rss: sum.rss + m.rss, pss: sum.pss + m.pss }), { rss: 0, pss: 0 });
    const rendererMemory = renderers.map(memoryOf).sort((a, b) => b.pss - a.pss)[0] ?? { rss: 0, pss: 0 };
    const heap = await page.evaluate<number>('performance.memory ? performance.memory.usedJSHeapSize : 0');
    const total = { rss: hostMemory.rss + serviceMemory.rss + rendererMemory.rss, pss: hostMemory.pss + serviceMemory.pss + rendererMemory.pss };
    return {
      webHost: { rss: megabytes(hostMemory.rss), pss: megabytes(hostMemory.pss) },
      service: { rss: megabytes(serviceMemory.rss), pss: megabytes(serviceMemory.pss), processes: servicePids.length },
      renderer: { rss: megabytes(rendererMemory.rss), pss: megabytes(rendererMemory.pss), jsHeap: megabytes(heap) },
      total: { rss: megabytes(total.rss), pss: megabytes(total.pss) },
      // Every process under the host, named: the service, and whatever else runs there (tsx's esbuild).
      processes: [hostPid, ...servicePids].map((pid) => ({ command: commandOf(pid), pss: megabytes(memoryOf(pid).pss) })),
    };
  };
  const afterActions = await measureMemory();
  progress(`memory right after the actions: ${afterActions.total.pss} MB PSS; idle for ${SETTLE_MS / 1000} s…`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const settled = await measureMemory();

  const round = (p: ReturnType<typeof percentiles>) => ({ ...p, p50: Math.round(p.p50), p95: Math.round(p.p95), max: Math.round(p.max), mean: Math.round(p.mean) });
  console.log(
    JSON.stringify({
      bench: 'workstation-screens',
      machine: machine(),
      load: { start: loadAtStart, beforeQueries: loadBeforeQueries, end: loadAverage() },
      host: HOST,
      replica: { tickets: replica.tickets, messages: replica.messages, clerkDepartments: replica.clerk.departmentIds.length, buildSeconds: replicaSeconds, ...(REPLICA && { copiedFrom: REPLICA }) },
      startToInboxMs: { ...round(percentiles(startTimes)), first: Math.round(startTimes[0]!), target: 1000 },
      filterChangeMs: { ...round(percentiles(filterTimes)), target: 100 },
      openTicket200Ms: { ...round(percentiles(openTimes)), first: Math.round(openTimes[0]!), target: 150 },
      memoryMb: {
        ...settled,
        settledAfterMs: SETTLE_MS,
        rightAfterActions: { webHost: afterActions.webHost, service: afterActions.service, renderer: afterActions.renderer, total: afterActions.total },
        target: 300,
      },
    }),
  );
} finally {
  await browser.close();
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host!.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
  }
  folder.remove();
}

