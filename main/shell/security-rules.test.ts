// Each security rule of the Electron shell on its own (STYLE.md, "Security as named units"), with
// plain objects shaped like Electron's: the binary cannot run here, the rules can.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_CSP, resolveAppFile, serveAppScheme } from './app-protocol';
import { isAppUrl, lockNavigation, refuseNavigation, refuseNewWindow, refuseWebview } from './navigation';
import { denyAllPermissions, denyPermissionCheck, denyPermissionRequest } from './permissions';
import { insecurePreferences, secureWebPreferences } from './web-preferences';

const event = () => ({ preventDefault: vi.fn() });

describe('web preferences', () => {
  it('turn on the sandbox and context isolation, and turn off Node and <webview>, for every window', () => {
    const preferences = secureWebPreferences('/app/preload.cjs');
    expect(preferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, webSecurity: true, preload: '/app/preload.cjs' });
    expect(insecurePreferences(preferences)).toEqual([]);
  });

  it('name every weakening, so that a window with one is refused', () => {
    const weakened = { ...secureWebPreferences('/p'), sandbox: false, contextIsolation: false, nodeIntegration: true, webviewTag: true, webSecurity: false };
    expect(insecurePreferences(weakened)).toEqual([
      'sandbox must be on',
      'contextIsolation must be on',
      'nodeIntegration must be off',
      'webviewTag must be off',
      'webSecurity must be on',
    ]);
    expect(insecurePreferences({})).toContain('sandbox must be on');
  });
});

describe('navigation', () => {
  it('stays within the app and refuses every other destination', () => {
    for (const url of ['app://ventanilla/', 'app://ventanilla/#/ticket/t-1']) {
      const allowed = event();
      refuseNavigation(allowed, url);
      expect(allowed.preventDefault, url).not.toHaveBeenCalled();
    }
    for (const url of ['https://phishing.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://other/', 'data:text/html,<script>1</script>', 'not a url']) {
      const refused = event();
      refuseNavigation(refused, url);
      expect(refused.preventDefault, url).toHaveBeenCalled();
    }
    expect(isAppUrl('app://ventanilla.evil.example/')).toBe(false);
  });
});

describe('new windows', () => {
  it('are always refused; http, https and mailto links go to the system instead', () => {
    const opened: string[] = [];
    for (const url of ['https://sede.ayto.example/tramite', 'http://example.org/', 'mailto:vecina@example.org']) {
      expect(refuseNewWindow({ url }, (target) => opened.push(target))).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://sede.ayto.example/tramite', 'http://example.org/', 'mailto:vecina@example.org']);
  });

  it('never hand file:, javascript: or other schemes to the system', () => {
    const openExternal = vi.fn();
    for (const url of ['file:///home/ana/.ssh/id_rsa', 'javascript:alert(1)', 'smb://server/share', 'ms-msdt:/id', 'app://ventanilla/']) {
      expect(refuseNewWindow({ url }, openExternal)).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });
});

describe('<webview>', () => {
  it('is refused when a page tries to attach one', () => {
    const attach = event();
    refuseWebview(attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });
});

describe('the rules on a window', () => {
  it('are all installed on every web contents', () => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    let windowOpen: ((details: { url: string }) => unknown) | undefined;
    const contents = {
      on: (name: string, handler: (...args: unknown[]) => void) => handlers.set(name, handler),
      setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => (windowOpen = handler),
    };
    const openExternal = vi.fn();
    lockNavigation(contents as never, openExternal);
    expect([...handlers.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    const navigate = event();
    handlers.get('will-redirect')!(navigate, 'https://evil.example/');
    expect(navigate.preventDefault).toHaveBeenCalled();
    expect(windowOpen!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://example.org/');
  });
});

describe('permission requests', () => {
  it('are all denied: camera, microphone, location, notifications, clipboard, anything', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'midi', 'openExternal', 'unknown']) {
      const callback = vi.fn();
      denyPermissionRequest({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
    }
    expect(denyPermissionCheck()).toBe(false);
  });

  it('are denied by handlers installed on the session', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    denyAllPermissions(session as never);
    expect(session.setPermissionRequestHandler).toHaveBeenCalledWith(denyPermissionRequest);
    expect(session.setPermissionCheckHandler).toHaveBeenCalledWith(denyPermissionCheck);
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]()).toBe(false);
  });
});

describe('the app:// scheme', () => {
  const root = '/opt/ventanilla/dist/renderer';

  it('serves files of the renderer folder, and the app for any path without an extension', () => {
    expect(resolveAppFile(root, 'app://ventanilla/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://ventanilla/inbox')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://ventanilla/assets/index-1.js')).toBe(path.join(root, 'assets', 'index-1.js'));
  });

  it('serves nothing outside it, and nothing for another host or scheme', () => {
    // The URL parser folds '..' segments (also %2e%2e) inside the root; an encoded slash survives it and is refused here.
    expect(resolveAppFile(root, 'app://ventanilla/../../../etc/passwd.txt')).toBe(path.join(root, 'etc', 'passwd.txt'));
    expect(resolveAppFile(root, 'app://ventanilla/%2e%2e/%2e%2e/etc/passwd.txt')).toBe(path.join(root, 'etc', 'passwd.txt'));
    for (const url of ['app://ventanilla/..%2f..%2fsecret.txt', 'app://ventanilla/%2e%2e%2f%2e%2e%2fsecret.txt', 'app://other/index.html', 'file:///etc/passwd', 'app://ventanilla/a%00.js']) {
      expect(resolveAppFile(root, url), url).toBeUndefined();
    }
  });

  it('sends the content security policy with every page', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-app-scheme-'));
    try {
      writeFileSync(path.join(folder, 'index.html'), '<!doctype html>');
      let handler: ((request: Request) => Promise<Response>) | undefined;
      const protocol = { handle: (_scheme: string, h: (request: Request) => Promise<Response>) => (handler = h) };
      const net = { fetch: async (url: string) => new Response(`fetched ${url}`, { status: 200, headers: { 'content-type': 'text/html' } }) };
      serveAppScheme(protocol as never, net as never, folder);
      const page = await handler!(new Request('app://ventanilla/'));
      expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(APP_CSP).not.toContain('unsafe-eval');
      expect((await handler!(new Request('app://ventanilla/..%2fsecret.txt'))).status).toBe(404);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
