// Where a window may go: nowhere but the app itself. A link in a citizen's mail must never turn
// the app's window into someone else's page (which would then hold the preload's bridge), and
// never open a second window: http, https and mailto links go to the system's browser or mail
// program; anything else (file:, javascript:, custom schemes) goes nowhere.
// https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation
import type { Event, HandlerDetails, WebContents } from 'electron';

/** The origin the app's pages are served from (app-protocol.ts). */
export const APP_ORIGIN = 'app://ventanilla';

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'ventanilla';
  } catch {
    return false;
  }
}

export function isExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** `will-navigate` and `will-redirect`: stays only within the app. */
export function refuseNavigation(event: Pick<Event, 'preventDefault'>, url: string): void {
  if (!isAppUrl(url)) event.preventDefault();
}

/** `setWindowOpenHandler`: never a new window; an http(s) or mailto link goes to the OS. */
export function refuseNewWindow(details: Pick<HandlerDetails, 'url'>, openExternal: (url: string) => void): { action: 'deny' } {
  if (isExternalUrl(details.url)) openExternal(details.url);
  return { action: 'deny' };
}

/** `will-attach-webview`: never (webviewTag is off too; this is the second lock). */
export function refuseWebview(event: Pick<Event, 'preventDefault'>): void {
  event.preventDefault();
}

/** Installs the three rules on a window's contents. */
export function lockNavigation(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => refuseNavigation(event, url));
  contents.on('will-redirect', (event, url) => refuseNavigation(event, url));
  contents.on('will-attach-webview', (event) => refuseWebview(event));
  contents.setWindowOpenHandler((details) => refuseNewWindow(details, openExternal));
}
