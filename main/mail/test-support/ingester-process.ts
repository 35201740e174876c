/**
 * A workstation's mail channel in a process of its own, for the crash tests: killed with SIGKILL
 * at random moments by its parent, started again on the same data folder. Run through
 * child_process.fork with `--import tsx` and the options as JSON in argv[2].
 *
 * Messages to the parent: {type: 'ready'}, {type: 'ingested'} (answering {op: 'await', count}),
 * {type: 'failed', error}.
 */
import { openLocalDatabase } from '../../store/local-database';
import { startMailChannel } from '../index';
import { openCitizenDirectory } from './citizen-directory';

export type IngesterProcessOptions = {
  dataDir: string;
  account?: { host: string; port: number; user: string; password: string; defaultDepartmentId: string };
  batchSize?: number;
  fetchBatchSize?: number;
};

const options = JSON.parse(process.argv[2] ?? '{}') as IngesterProcessOptions;
const send = (message: unknown) => process.send?.(message);

try {
  const local = await openLocalDatabase({ directory: options.dataDir, name: 'clerk', durability: 'normal' });
  const citizens = openCitizenDirectory(local.db, options.dataDir);
  const mail = await startMailChannel({ db: local.db, dataDir: options.dataDir, citizens, durability: 'normal', backoff: { initialMs: 100, maxMs: 500 }, batchSize: options.batchSize ?? 10 });
  if (mail.accounts.list().length === 0 && options.account) {
    const { password, ...account } = options.account;
    await mail.saveAccount({ name: 'Registro', security: 'none', address: account.user, ...account, options: { batchSize: options.fetchBatchSize ?? 20, pollSeconds: 5 } }, password);
  }
  process.on('message', (message: { op: 'await'; count: number } | { op: 'stop' }) => {
    if (message.op === 'stop') {
      void mail
        .stop()
        .then(() => citizens.close())
        .then(() => local.close())
        .finally(() => process.exit(0));
      return;
    }
    const check = setInterval(() => {
      const { spool } = mail.status();
      if (spool.fetched === 0 && spool.done + spool.duplicate + spool.quarantined >= message.count) {
        clearInterval(check);
        send({ type: 'ingested' });
      }
    }, 50);
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
