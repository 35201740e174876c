/**
 * `npm start`: the whole system on this PC, with a demo council.
 *
 *   npm start [-- --data ./data] [--tickets 3000] [--server-port 8080] [--web-port 4780] [--no-build] [--no-open] [--web] [--reset]
 *
 * 1. builds the screens (vite) into dist/renderer, and the web host and workstation service into
 *    out/host (vite.host.config.ts: plain JavaScript, no TypeScript compiler on the workstation);
 * 2. starts a central server on its embedded SQLite database in <data>/server and, the first
 *    time, fills it with the demo council of Villanueva del Prado (departments, staff with demo
 *    accounts, citizens, a few thousand tickets in Spanish);
 * 3. starts the workstation: in Electron when its binary is installed, otherwise in the browser
 *    through the built web host, a process of its own (printing its address, with this start's
 *    secret, and trying xdg-open). This launcher only watches over it and the central server.
 *
 * Idempotent: later starts reuse the data (the demo is seeded once; the workstation reopens the
 * last session). Ctrl-C stops everything cleanly. `--reset` deletes the data folder first (the
 * demo council and every clerk's replica).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { portIsFree, startCentralServerProcess, type CentralServerProcess } from './central-server-process';
import { DEMO_PASSWORD, readDemoCouncil, seedDemoCouncil } from './demo-council';
import { bundleProblem } from './bundle-freshness';
import { HOST_BUNDLE_DIR, HOST_BUNDLE_ENTRIES } from './service-launch';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data' },
    tickets: { type: 'string', default: '3000' },
    'server-port': { type: 'string', default: '8080' },
    'web-port': { type: 'string', default: '4780' },
    'no-build': { type: 'boolean', default: false },
    'no-open': { type: 'boolean', default: false },
    web: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
  },
});
const dataDir = path.resolve(values.data!);
const serverDir = path.join(dataDir, 'server');
const workstationDir = path.join(dataDir, 'workstation');
const rendererDir = path.join(ROOT, 'dist', 'renderer');
const tickets = Number(values.tickets);
const serverPort = Number(values['server-port']);
const webPort = Number(values['web-port']);
if (!Number.isInteger(tickets) || tickets < 1) throw new Error(`--tickets must be a positive whole number, not ${values.tickets}`);

const say = (line: string) => console.log(line);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} ${args.slice(1).join(' ')} failed (${code})`))));
  });
}

/** The Electron binary's path, when the package installed one (it cannot be downloaded everywhere). */
function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function openInBrowser(url: string): void {
  try {
    const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
    child.on('error', () => say('(xdg-open no está disponible: abra la dirección a mano)'));
    child.unref();
  } catch {
    say('(no se ha podido abrir el navegador: abra la dirección a mano)');
  }
}

/**
 * The built web host (out/host/web-host.cli.js) under plain node, as a process of its own: the
 * workstation's processes are then the ones a clerk's PC runs, without this launcher's tsx and
 * demo seeding (docs/performance.md#workstation). Resolves with its address once it prints it.
 */
function startBuiltWebHost(workstationDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(HOST_BUNDLE_DIR, 'web-host.cli.js'), '--data', workstationDir, '--port', String(port), '--renderer', rendererDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onExit = (code: number | null) => reject(new Error(`el puesto de trabajo (web host) terminó al arrancar (código ${code}); el motivo está en las líneas [web-host] de arriba`));
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[0-9a-f]+)/.exec(out);
      if (!match) return;
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ child, url: match[1]! });
    });
  });
}

/** Stops a child and waits for it (SIGKILL after 15 s: the service closes its database first). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

let server: CentralServerProcess | undefined;
let host: ChildProcess | undefined;
let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  if (host) await stopChild(host).catch(() => undefined);
  await server?.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => (stopping ? process.exit(130) : void stopAll(0)));
process.on('SIGTERM', () => void stopAll(0));

try {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!values['no-build']) {
    say('Construyendo las pantallas (vite build)…');
    await run(process.execPath, [vite, 'build', '--config', path.join(ROOT, 'renderer', 'vite.config.ts'), '--logLevel', 'warn']);
  }

  if (values.reset) {
    say(`--reset: borrando ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const interrupted = !readDemoCouncil(serverDir) && existsSync(path.join(serverDir, 'server.sqlite'));
  if (interrupted) {
    throw new Error(`${serverDir} tiene datos pero no el ayuntamiento de demostración completo (¿se interrumpió el primer arranque?). Vuelva a empezar con: npm start -- --reset`);
  }
  mkdirSync(serverDir, { recursive: true });
  if (!(await portIsFree(serverPort))) {
    throw new Error(`el puerto ${serverPort} está ocupado (¿otro "npm start" en marcha?). Use --server-port con otro número.`);
  }
  say(`Servidor central: SQLite en ${serverDir}, http://127.0.0.1:${serverPort}`);
  server = await startCentralServerProcess({ dataDir: serverDir, port: serverPort, logLevel: 'warn', onLog: (text) => process.stderr.write(`[servidor] ${text}`) });

  let council = readDemoCouncil(serverDir);
  if (!council) {
    say(`Primera vez: creando el ayuntamiento de demostración con ${tickets} expedientes…`);
    let last = 0;
    council = await seedDemoCouncil({
      serverDataDir: serverDir,
      serverUrl: server.url,
      tickets,
      progress: (line) => {
        if (Date.now() - last > 1_000 || !/documents/.test(line)) {
          last = Date.now();
          say(`  ${line}`);
        }
      },
    });
  }
  say(`\n${council.council}: ${council.tickets} expedientes de demostración. Cuentas (contraseña «${DEMO_PASSWORD}»):`);
  for (const account of council.accounts) say(`  ${account.email.padEnd(40)} ${account.name} (${account.role})`);
  say(`Dirección del servidor central para iniciar sesión: ${server.url}\n`);

  const electron = values.web ? undefined : electronBinary();
  if (electron) {
    if (!values['no-build']) {
      say('Construyendo la aplicación de escritorio (npm run build:electron)…');
      const config = path.join(ROOT, 'main', 'shell', 'vite.electron.config.ts');
      await run(process.execPath, [vite, 'build', '--config', config, '--configLoader', 'runner', '--logLevel', 'warn']);
      await run(process.execPath, [vite, 'build', '--config', config, '--configLoader', 'runner', '--mode', 'preload', '--logLevel', 'warn']);
    }
    say('Abriendo el puesto de trabajo en Electron…');
    const child = spawn(electron, [path.join(ROOT, 'out', 'main', 'index.js')], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, VENTANILLA_WORKSTATION_DATA: workstationDir },
    });
    child.on('exit', (code) => void stopAll(code ?? 0));
  } else {
    if (!values.web) say('No hay binario de Electron instalado en este equipo: el puesto de trabajo se abre en el navegador.');
    if (!values['no-build']) {
      // Built last, just before it runs: the web host refuses a build older than its sources.
      // (`--configLoader runner`: the configs import each other's modules, which Vite's default loader warns about.)
      say('Construyendo el puesto de trabajo (vite build)…');
      await run(process.execPath, [vite, 'build', '--config', path.join(ROOT, 'main', 'host', 'vite.host.config.ts'), '--configLoader', 'runner', '--logLevel', 'warn']);
    } else {
      // --no-build: the build there must be today's code, or the clerk would run yesterday's.
      const unbuilt = bundleProblem(HOST_BUNDLE_DIR, ROOT, HOST_BUNDLE_ENTRIES);
      if (unbuilt) throw new Error(`el puesto de trabajo compilado (${HOST_BUNDLE_DIR}) no sirve: ${unbuilt}. Arranque sin --no-build, o antes "npm run build"`);
    }
    const port = (await portIsFree(webPort)) ? webPort : 0;
    const started = await startBuiltWebHost(workstationDir, port);
    host = started.child;
    host.once('exit', (code) => {
      if (stopping) return;
      console.error(`npm start: el puesto de trabajo se ha detenido (código ${code})`);
      void stopAll(code || 1);
    });
    say(`Puesto de trabajo en el navegador: ${started.url}`);
    say('(la dirección lleva la clave de este arranque tras «#»; ábrala tal cual. Ctrl-C para parar.)');
    if (!values['no-open']) openInBrowser(started.url);
  }
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  if (server) console.error(server.log().slice(-2_000));
  await stopAll(1);
}
