// The only way the screens reach the workstation service (STYLE.md): `desktop.ts` over the
// preload bridge in Electron, `web.ts` over the web host's WebSocket in a browser. Both
// `satisfies Platform`; the screens get one through `usePlatform()` and never know which.
import type { RxDatabase } from 'rxdb';
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue } from '../../core/app-api';
import type { Collections } from '../../core/schemas';

export type WorkstationDatabase = RxDatabase<Collections>;

export type Platform = {
  readonly kind: 'desktop' | 'web';
  /** Calls the app API; a dropped connection answers at once with `server_unreachable`, never hangs. */
  call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>>;
  /** Listens to what the service pushes; returns the function that stops listening. */
  on<E extends AppEvent>(event: E, listener: (value: AppEvents[E]) => void): () => void;
  /**
   * Follows the clerk's local database (`Session.databaseName`) as an RxDatabase over RxDB's
   * remote storage. The listener gets the database, then `null` while the connection to the
   * service is down, then a new database once it is back (queries of the old one are dead:
   * subscribe again). Returns the function that stops following and closes the database.
   */
  watchDatabase(name: string, listener: (database: WorkstationDatabase | null) => void): () => void;
  /** Opens an http, https or mailto link in the system's browser or mail program; nothing else. */
  openExternal(url: string): void;
};
