// The built screens, served by the web host: files of one folder and nothing outside it, with
// the headers a page holding citizens' data should have. Any path without a file extension is
// the app itself (index.html), so a reload on a screen's address keeps working.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's policy comes from its own <meta> in renderer/index.html (the same in Electron and
 * here); a browser applies this header on top of it. The header adds what a <meta> cannot say —
 * no framing by other sites — and repeats the essentials in case the page is ever served without
 * its meta.
 */
export function contentSecurityPolicy(port: number): string {
  return ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "script-src 'self'", `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`].join('; ');
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(`${text}\n`);
}

export function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, port: number): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Method not allowed');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
  } catch {
    return send(response, 400, 'Bad request');
  }
  if (pathname.includes('\0')) return send(response, 400, 'Bad request');
  const base = path.resolve(root);
  const isApp = path.extname(pathname) === '';
  const file = path.resolve(base, `.${isApp ? '/index.html' : pathname}`);
  if (file !== base && !file.startsWith(base + path.sep)) return send(response, 403, 'Forbidden');
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return send(response, 404, 'Not found');
    size = stats.size;
  } catch {
    if (isApp) return send(response, 503, `The screens are not built yet: run "npm run build" (expected ${path.join(base, 'index.html')}).`);
    return send(response, 404, 'Not found');
  }
  const headers: Record<string, string | number> = {
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    // Vite names built assets by their content hash: they never change. The page itself may.
    'cache-control': file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-store',
  };
  if (file.endsWith('.html')) headers['content-security-policy'] = contentSecurityPolicy(port);
  response.writeHead(200, headers);
  if (request.method === 'HEAD') return void response.end();
  createReadStream(file).pipe(response);
}
