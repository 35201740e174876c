/**
 * The headless workstation service: a clerk's replica and its sync with the central server, no
 * window. For a council's IT (a workstation beside the server) and for tests.
 *
 *   npm run service -- --data ./data/ana --server https://ventanilla.ayto.example.es \
 *     --email ana@ayto.example.es          # the password from VENTANILLA_PASSWORD
 *
 * With `--mail`, it also ingests the council's mailboxes and sends the outbox; `--mail-accounts
 * <file>` adds or updates accounts from a JSON file (mode 0600: it holds passwords; see
 * mail-accounts-file.ts), and `--council-name` signs the automatic answers.
 *
 * Every option also reads from the environment: VENTANILLA_DATA, VENTANILLA_SERVER,
 * VENTANILLA_EMAIL, VENTANILLA_PASSWORD (better than --password, which other users of the machine
 * can see in the process list). Logs go to stderr, one line per change of the sync status
 * (`--log json` for one JSON object per line). SIGINT or SIGTERM stop the sync and close the
 * database cleanly; a second signal exits at once.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServiceLogger } from './service-log';
import { startWorkstationService } from './workstation-service';

const USAGE = 'usage: npm run service -- --data <folder> --server <url> --email <address> [--password <password>] [--log text|json] [--mail [--mail-accounts <file>] --council-name <name>]';

function options() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      server: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      log: { type: 'string', default: 'text' },
      mail: { type: 'boolean', default: false },
      'mail-accounts': { type: 'string' },
      'council-name': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const data = values.data ?? process.env.VENTANILLA_DATA;
  const server = values.server ?? process.env.VENTANILLA_SERVER;
  const email = values.email ?? process.env.VENTANILLA_EMAIL;
  const password = values.password ?? process.env.VENTANILLA_PASSWORD;
  const missing = [!data && '--data', !server && '--server', !email && '--email', !password && '--password (or VENTANILLA_PASSWORD)'].filter(Boolean);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}\n${USAGE}`);
  if (!/^https?:\/\//.test(server!)) throw new Error(`--server must be an http(s) URL, got ${server}`);
  if (values.log !== 'text' && values.log !== 'json') throw new Error(`--log must be text or json, got ${values.log}`);
  const councilName = values['council-name'] ?? process.env.VENTANILLA_COUNCIL_NAME;
  const mailWanted = values.mail || values['mail-accounts'] !== undefined;
  if (mailWanted && !councilName?.trim()) throw new Error(`--mail needs --council-name (or VENTANILLA_COUNCIL_NAME): the automatic answers are signed with it\n${USAGE}`);
  const mail = mailWanted ? { councilName: councilName!.trim(), ...(values['mail-accounts'] && { accountsFile: path.resolve(values['mail-accounts']) }) } : undefined;
  return { dataDir: path.resolve(data!), serverUrl: server!, email: email!, password: password!, format: values.log as 'text' | 'json', mail };
}

async function main(): Promise<void> {
  const { dataDir, serverUrl, email, password, format, mail } = options();
  const logger = createServiceLogger(format, (line) => console.error(line));
  const abortStart = new AbortController();
  const started: { service?: { stop(): Promise<void> } } = {};
  let signals = 0;
  const shutdown = (service: { stop(): Promise<void> }) =>
    service.stop().then(
      () => {
        logger.event('stopped', {});
        process.exit(0);
      },
      (error: unknown) => {
        logger.event('stop-failed', { error: String(error) });
        process.exit(1);
      },
    );
  const onSignal = (name: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.event('exit', { reason: `second ${name}: exiting without waiting` });
      process.exit(130);
    }
    logger.event('stopping', { signal: name });
    // Still starting (waiting for a first sign-in): give up; the start path exits.
    if (started.service) void shutdown(started.service);
    else abortStart.abort(new Error(`stopped by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.event('starting', { dataDir, serverUrl, email });
  let service: Awaited<ReturnType<typeof startWorkstationService>>;
  try {
    service = await startWorkstationService({
      dataDir,
      serverUrl,
      credentials: { email, password },
      ...(mail && { mail }),
      log: (line) => logger.event('info', { message: line }),
      signal: abortStart.signal,
    });
  } catch (error) {
    if (!abortStart.signal.aborted) throw error;
    logger.event('stopped', { reason: 'stopped before the first sign-in' });
    process.exit(0);
  }
  started.service = service;
  logger.event('started', { user: service.user.email, userId: service.user.id, database: service.local.file });
  logger.follow(service.sync);
  if (service.mail) {
    let last = '';
    const report = () => {
      const status = service.mail!.status();
      const line = JSON.stringify({ accounts: status.accounts.map(({ accountId, state, lastError, progress }) => ({ accountId, state, lastError, progress })), pending: status.pending, quarantined: status.quarantined, outbox: { queued: status.outbox.queued, failed: status.outbox.failed } });
      // One line per change, not one per processed batch.
      if (line !== last) logger.event('mail', JSON.parse(line) as Record<string, unknown>);
      last = line;
    };
    service.mail.channel.onStatus(report);
    service.mail.outbox.outboxStatus$.subscribe(report);
  }
  // A signal that came while the database was opening.
  if (signals > 0) void shutdown(service);
}

main().catch((error: unknown) => {
  console.error(`ventanilla service: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
