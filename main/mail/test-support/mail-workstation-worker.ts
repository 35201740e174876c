/**
 * A whole workstation in a process of its own for the mail sync tests: the headless service
 * (local database + sync with the central server) and the mail channel on its database, driven
 * by its parent over IPC. Its own process because RxDB open-core opens at most 13 collections per
 * process and a workstation has 8.
 *
 * Run through child_process.fork with `--import tsx`, options as JSON in argv[2].
 */
import type { CollectionName } from '../../../core/schemas';
import { startWorkstationService } from '../../service/workstation-service';
import { startMailChannel, type MailChannel } from '../index';
import { openCitizenDirectory, type TestCitizenDirectory } from './citizen-directory';

export type MailWorkerOptions = {
  dataDir: string;
  serverUrl: string;
  email: string;
  password: string;
  account: { host: string; port: number; user: string; password: string; defaultDepartmentId: string };
};

export type MailWorkerCommand =
  | { op: 'start-mail' }
  | { op: 'await-ingested'; count: number }
  | { op: 'in-sync' }
  | { op: 'dump'; collection: CollectionName }
  | { op: 'stop' };

const options = JSON.parse(process.argv[2] ?? '{}') as MailWorkerOptions;
const send = (message: unknown) => process.send?.(message);

const service = await startWorkstationService({
  dataDir: options.dataDir,
  serverUrl: options.serverUrl,
  credentials: { email: options.email, password: options.password, workstation: 'mail-test' },
  backoff: { initialMs: 100, maxMs: 1_000 },
}).catch((error: unknown) => {
  send({ type: 'failed', error: String(error) });
  process.exit(1);
});
let mail: MailChannel | undefined;
let citizens: TestCitizenDirectory | undefined;

async function run(command: MailWorkerCommand): Promise<unknown> {
  switch (command.op) {
    case 'start-mail': {
      citizens = openCitizenDirectory(service.local.db, options.dataDir);
      mail = await startMailChannel({ db: service.local.db, dataDir: options.dataDir, citizens, durability: 'normal', backoff: { initialMs: 100, maxMs: 1_000 } });
      const { password, ...account } = options.account;
      await mail.saveAccount({ name: 'Registro', security: 'none', address: account.user, ...account }, password);
      return true;
    }
    case 'await-ingested':
      for (;;) {
        const { spool } = mail!.status();
        if (spool.fetched === 0 && spool.done + spool.duplicate + spool.quarantined >= command.count) return spool;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    case 'in-sync':
      await service.sync.awaitInSync();
      return service.sync.status;
    case 'dump': {
      const documents = await service.local.db.collections[command.collection].find({ sort: [{ id: 'asc' }] }).exec();
      return documents.map((document) => document.toJSON());
    }
    case 'stop':
      await mail?.stop();
      citizens?.close();
      await service.stop();
      setImmediate(() => process.exit(0));
      return true;
  }
}

process.on('message', (message: { id: number; command: MailWorkerCommand }) => {
  run(message.command).then(
    (value) => send({ type: 'reply', id: message.id, ok: true, value }),
    (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
send({ type: 'ready' });
