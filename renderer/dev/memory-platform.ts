// DEVELOPMENT ONLY — a Platform that lives in the page: RxDB's memory storage filled with the demo
// council (core/demo), a pretend session and sync state. It lets the screens be developed and
// looked at before, and independently of, the workstation service. Used only by renderer/dev's
// own Vite entry; the production build (renderer/index.html → main.tsx) never imports it.
import { createRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue, Session, Settings, SyncStatusView, TicketSearchHit } from '../../core/app-api';
import { caseloadBatches, insertBatch } from '../../core/demo/caseload';
import { collections, type Collections, type Message, type Ticket, type User } from '../../core/schemas';
import { spanishWords } from '../../core/text/spanish-search';
import { newId } from '../../core/ids';
import type { Platform, WorkstationDatabase } from '../platform/platform';

export type MemoryPlatformOptions = { tickets: number; role: User['role']; signedIn: boolean };

type Handler<K extends AppChannel> = (arg: AppArg<K>) => AppValue<K> | Promise<AppValue<K>>;

const HOSTILE_HTML = `<p>Buenos días, adjunto la <b>solicitud</b> firmada.</p>
<script>document.title = 'HACKED'</script>
<img src="https://tracker.example/pixel.gif" alt="logo" width="120" height="40">
<p onclick="alert(1)">Pulse <a href="javascript:alert(1)">aquí</a> o visite <a href="https://sede.villanueva.example/tramites">la sede</a>.</p>
<div style="background:url(https://tracker.example/bg.png)">Fondo remoto</div>`;

export async function createMemoryPlatform(options: MemoryPlatformOptions): Promise<Platform & { db: WorkstationDatabase }> {
  const now = Date.now();
  const db = (await createRxDatabase<Collections>({ name: `dev${now}`, storage: getRxStorageMemory(), multiInstance: false })) as WorkstationDatabase;
  await db.addCollections(collections);
  for (const batch of caseloadBatches({ seed: 'dev', tickets: options.tickets, now, batchSize: 2000 })) await insertBatch(db, batch);

  const users = (await db.users.find().exec()).map((doc) => doc.toMutableJSON());
  const me = users.find((user) => user.role === options.role && user.departmentIds.length > 0) ?? users[0]!;
  const other = users.find((user) => user.id !== me.id && user.departmentIds.some((id) => me.departmentIds.includes(id)));

  // A mail whose HTML tries everything: the timeline must run nothing and load nothing.
  const hostile = (await db.tickets.findOne({ selector: { assigneeId: me.id, status: 'open' } }).exec())?.toMutableJSON() as Ticket | undefined;
  if (hostile) {
    const mail: Message = {
      id: newId(now),
      kind: 'email_in',
      ticketId: hostile.id,
      citizenId: hostile.citizenId,
      subject: 'Solicitud firmada',
      text: 'Buenos días, adjunto la solicitud firmada.',
      html: HOSTILE_HTML,
      email: { messageId: `hostile-${now}@example.es`, references: [], from: { address: 'vecina@example.es', name: 'Vecina' }, to: [{ address: 'registro@villanueva.example' }], cc: [], mailbox: 'registro@villanueva.example' },
      attachments: [],
      createdAt: now - 60_000,
      auto: false,
    };
    await db.messages.insert(mail);
  }

  const listeners = new Map<AppEvent, Set<(value: never) => void>>();
  const emit = <E extends AppEvent>(event: E, value: AppEvents[E]) => listeners.get(event)?.forEach((listener) => (listener as (value: AppEvents[E]) => void)(value));

  const signedIn: Session = {
    state: 'signed-in',
    mode: 'central',
    serverUrl: 'https://ventanilla.villanueva.example',
    user: { id: me.id, name: me.name, email: me.email, role: me.role, departmentIds: me.departmentIds },
    databaseName: 'dev',
    workstationId: 'dev-workstation',
  };
  let session: Session = options.signedIn ? signedIn : { state: 'signed-out', lastServerUrl: 'https://ventanilla.villanueva.example' };
  let settings: Settings = { language: 'es' };
  const sync: SyncStatusView = { state: 'online', pendingPushes: 0, liveUpdates: true, lastSyncAt: now };

  const handlers: { [K in AppChannel]?: Handler<K> } = {
    'session:get': () => session,
    'session:sign-in': ({ serverUrl, password }) => {
      if (!/^https?:\/\//.test(serverUrl)) throw { code: 'bad_server_address', message: 'not a server address' };
      if (serverUrl.includes('offline')) throw { code: 'server_unreachable', message: 'unreachable' };
      if (password !== 'demo') throw { code: 'invalid_credentials', message: 'wrong password' };
      session = signedIn;
      return session;
    },
    'session:work-locally': ({ name, email }) => {
      session = { ...signedIn, mode: 'local', user: { ...signedIn.user, name, email } };
      return session;
    },
    'session:sign-out': () => {
      session = { state: 'signed-out', lastServerUrl: signedIn.serverUrl };
      return session;
    },
    'sync:status': () => sync,
    'search:tickets': async ({ text, limit }) => {
      // A scan, not FTS5: the harness has no search index. Good enough to develop the screen.
      const words = spanishWords(text);
      const hits: TicketSearchHit[] = [];
      for (const doc of await db.tickets.find().exec()) {
        const subject = spanishWords(doc.subject).join(' ');
        if (words.every((word) => subject.includes(word.slice(0, Math.max(4, word.length - 2))))) {
          hits.push({ ticketId: doc.id, source: 'ticket', documentId: doc.id, snippet: doc.subject, score: 1 });
          if (hits.length >= (limit ?? 20)) break;
        }
      }
      return hits;
    },
    'citizens:by-contact': async ({ kind, value }) =>
      // A scan, as the search above: the service keeps an index (main/host/contact-index.ts).
      (await db.citizens.find().exec()).filter((doc) => (kind === 'phone' ? doc.phones : doc.emails).includes(value)).map((doc) => doc.id),
    'presence:announce': ({ ticketId }) => {
      // Pretend a colleague has the same ticket open, so the presence chips can be seen.
      emit('presence', ticketId && other ? [{ ticketId, userId: other.id, userName: other.name, activity: 'viewing', since: Date.now() }] : []);
      return null;
    },
    'settings:get': () => settings,
    'settings:set': (arg) => {
      settings = { ...settings, ...arg };
      return settings;
    },
  };

  const platform: Platform & { db: WorkstationDatabase } = {
    kind: 'web',
    db,
    async call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>> {
      const handler = handlers[channel] as Handler<K> | undefined;
      if (!handler) return { ok: false, error: { code: 'bad_request', message: `unknown channel ${channel}` } };
      try {
        const value = await handler(arg);
        if (channel.startsWith('session:') && channel !== 'session:get') emit('session', session);
        return { ok: true, value };
      } catch (error) {
        const failure = error as { code?: string; message?: string };
        return { ok: false, error: { code: (failure.code ?? 'internal') as never, message: failure.message ?? String(error) } };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (value: never) => void);
      return () => set.delete(listener as (value: never) => void);
    },
    watchDatabase(_name, listener) {
      listener(db);
      return () => undefined;
    },
    openExternal(url) {
      console.warn(`openExternal(${url}) — the harness opens nothing`);
    },
  };
  return platform;
}
