// One app per clerk session: a second start (a double click on the icon) brings the open window
// forward instead of opening a second service on the same database, which SQLite would refuse.
import type { App } from 'electron';

export function holdSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusExisting());
  return true;
}
