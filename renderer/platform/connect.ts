// Which platform the screens run on: the Electron bridge when the preload defined it, else the
// web host (the page was opened with its secret). The production entry calls this once.
import { connectDesktopPlatform } from './desktop';
import type { Platform } from './platform';
import { connectWebPlatform } from './web';

export function connectPlatform(win: Window = window): Platform | undefined {
  return connectDesktopPlatform(win) ?? connectWebPlatform(win);
}
