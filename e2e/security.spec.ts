// The web host refuses everything but its own page (DESIGN.md, Security): a wrong secret, another
// Origin, another Host (DNS rebinding), any address but loopback; and the service refuses what
// no screen may do to the database, even over an accepted connection.
import { createServer, request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { WebSocket } from 'ws';
import { SECRET_SUBPROTOCOL_PREFIX, WEB_SUBPROTOCOL } from '../core/app-api/protocol';
import { expect, test } from './fixtures';

/** Opens a WebSocket from Node with the headers of our choosing; resolves with the HTTP status of a refusal, or 101. */
function handshake(port: number, headers: { host?: string; origin?: string }, secret: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const protocols = secret === undefined ? [WEB_SUBPROTOCOL] : [WEB_SUBPROTOCOL, `${SECRET_SUBPROTOCOL_PREFIX}${secret}`];
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols, {
      headers: { ...(headers.host && { host: headers.host }) },
      ...(headers.origin && { origin: headers.origin }),
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => resolve(0));
  });
}

function plainGet(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

test.describe('the web host', () => {
  test('accepts its own page with the secret, and refuses a wrong or missing secret', async ({ webHost }) => {
    const host = await webHost('ana');
    const origin = host.origin;
    expect(await handshake(host.port, { origin }, host.secret)).toBe(101);
    expect(await handshake(host.port, { origin }, 'f'.repeat(64))).toBe(401);
    expect(await handshake(host.port, { origin }, host.secret.slice(0, -1))).toBe(401);
    expect(await handshake(host.port, { origin }, undefined)).toBe(401);
  });

  test('refuses a WebSocket from another Origin, even one that knows the secret', async ({ webHost }) => {
    const host = await webHost('ana');
    expect(await handshake(host.port, { origin: 'http://evil.example' }, host.secret)).toBe(403);
    expect(await handshake(host.port, { origin: `http://127.0.0.1:${host.port + 1}` }, host.secret)).toBe(403);
    expect(await handshake(host.port, {}, host.secret)).toBe(403);
  });

  test('refuses a page of another site in the browser: its WebSocket never opens', async ({ webHost, page }) => {
    const host = await webHost('ana');
    // Another local site (another port is another origin), whose script tries the host's socket.
    const other = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<title>otra web</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(other.address() as { port: number }).port}/`);
      const outcome = await page.evaluate(
        ([url, protocols]) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(url!, protocols as unknown as string[]);
            socket.onopen = () => resolve('open');
            socket.onclose = () => resolve('refused');
          }),
        [`ws://127.0.0.1:${host.port}/ws`, [WEB_SUBPROTOCOL, `${SECRET_SUBPROTOCOL_PREFIX}${host.secret}`]] as const,
      );
      expect(outcome).toBe('refused');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('answers only to its own Host: a rebound DNS name gets nothing', async ({ webHost }) => {
    const host = await webHost('ana');
    expect(await plainGet(host.port, `127.0.0.1:${host.port}`)).toBe(200);
    expect(await plainGet(host.port, `evil.example:${host.port}`)).toBe(421);
    expect(await plainGet(host.port, '127.0.0.1')).toBe(421);
    expect(await handshake(host.port, { host: `evil.example:${host.port}`, origin: `http://evil.example:${host.port}` }, host.secret)).toBe(421);
  });

  test('listens on loopback only: no other address of the machine answers', async ({ webHost }) => {
    const host = await webHost('ana');
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry && !entry.internal && entry.family === 'IPv4')
      .map((entry) => entry!.address);
    test.skip(external.length === 0, 'this machine has no non-loopback IPv4 address to try');
    for (const address of external) {
      const reached = await new Promise<boolean>((resolve) => {
        const request = httpRequest({ host: address, port: host.port, path: '/', timeout: 2_000 }, (response) => {
          response.resume();
          resolve(true);
        });
        request.on('error', () => resolve(false));
        request.on('timeout', () => {
          request.destroy();
          resolve(false);
        });
        request.end();
      });
      expect(reached, `${address}:${host.port}`).toBe(false);
    }
  });

  test('the service refuses to remove or clean up a collection, or to open an unknown one, over an accepted socket', async ({ webHost }) => {
    const host = await webHost('ana');
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, [WEB_SUBPROTOCOL, `${SECRET_SUBPROTOCOL_PREFIX}${host.secret}`], { origin: host.origin });
    const received: Record<string, unknown>[] = [];
    socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const waitFor = async (test: (message: Record<string, unknown>) => boolean) => {
      await expect.poll(() => received.find(test), { timeout: 15_000 }).toBeTruthy();
      return received.find(test)!;
    };
    socket.send(JSON.stringify({ t: 'call', id: 1, channel: 'session:work-locally', arg: { name: 'Ana', email: 'ana@local.example' } }));
    const session = (await waitFor((message) => message.t === 'result' && message.id === 1)) as { result: { ok: boolean; value: { databaseName: string } } };
    expect(session.result.ok).toBe(true);
    const databaseName = session.result.value.databaseName;

    socket.send(JSON.stringify({ t: 'storage-open', channel: 1 }));
    const request = (requestId: string, method: string, params: unknown) =>
      socket.send(JSON.stringify({ t: 'storage', channel: 1, message: { connectionId: 'c1', requestId, method, version: '17.6.0', params } }));
    request('r-remove', 'remove', []);
    request('r-cleanup', 'cleanup', [0]);
    request('r-unknown', 'create', { databaseName, collectionName: 'secretos', schema: {} });
    for (const [id, words] of [
      ['r-remove', 'remove'],
      ['r-cleanup', 'cleanup'],
      ['r-unknown', 'no collection "secretos"'],
    ] as const) {
      const answer = (await waitFor((message) => message.t === 'storage' && (message.message as { answerTo?: string }).answerTo === id)) as { message: { error?: { message: string } } };
      expect(answer.message.error?.message).toContain(words);
    }
    socket.close();
  });
});
