// The app's pages come from app://ventanilla/, a scheme of our own over dist/renderer, not from
// file://: a file: page could read any file: URL, and all file: pages share one origin. The
// scheme is standard and secure (so the page has a real origin and modern APIs), answers only
// files of the renderer folder, and sends the same CSP as the page's <meta>.
// https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';

export const APP_SCHEME = 'app';

/** What a <meta> cannot say (framing), plus the essentials again. */
export const APP_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The file an app:// URL names inside `root`, or undefined when it names anything else. */
export function resolveAppFile(root: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== 'ventanilla') return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.extname(pathname) === '' ? '/index.html' : pathname}`);
  return file.startsWith(base + path.sep) ? file : undefined;
}

/** Before `app.ready`: the scheme's privileges. */
export function appSchemePrivileges() {
  return [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }];
}

/** After `app.ready`: serves the renderer folder. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', APP_CSP);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
