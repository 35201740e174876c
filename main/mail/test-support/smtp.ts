/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1: it accepts mail for any
 * recipient, keeps every message it received (raw, with its envelope), and can be stopped and
 * started again on the same port to play a mail server that goes down and comes back.
 *
 * Its built-in STARTTLS certificate expired in 2025 (shared NOTES.md): STARTTLS is hidden, so
 * clients talk plain SMTP on loopback.
 *
 * It runs inside the test process and keeps what it receives in memory: no folder, no process of
 * its own, nothing that can outlive a killed test run (unlike dovecot.ts, which needs an owned
 * folder from test-support/owned-folder.ts).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export type ReceivedMail = {
  from: string;
  to: string[];
  /** The message as it arrived, CRLF line ends. */
  raw: string;
  /** Its headers, unfolded, names lower case (the first of each name). */
  headers: Map<string, string>;
};

export type TestSmtpServer = {
  readonly port: number;
  readonly received: readonly ReceivedMail[];
  /** Resolves once `count` mails in all have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  /** Called for each arrival, after it is stored. */
  onMail(listener: (mail: ReceivedMail) => void): () => void;
  /**
   * Refuse recipients matching `pattern` with this SMTP reply (e.g. 550 for a mailbox that does
   * not exist), or stop refusing (undefined).
   */
  refuseRecipients(pattern: RegExp | undefined, reply?: { code: number; message: string }): void;
  /** How many SMTP sessions (connections) clients opened so far. */
  sessions(): number;
  /** Accept only this user and password from now on (undefined: accept any, the default). */
  requireLogin(credentials: { user: string; password: string } | undefined): void;
  /** Stops listening (connections cut): the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
};

function headersOf(raw: string): Map<string, string> {
  const end = raw.indexOf('\r\n\r\n');
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** Starts a server on a free port (or `port`). */
export async function startTestSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const listeners = new Set<(mail: ReceivedMail) => void>();
  let refusal: { pattern: RegExp; code: number; message: string } | undefined;
  let login: { user: string; password: string } | undefined;
  let sessions = 0;

  const serverOptions: SMTPServerOptions = {
    hideSTARTTLS: true,
    // A reverse DNS lookup of 127.0.0.1 per connection costs ~100 ms here and tells the tests nothing.
    disableReverseLookup: true,
    // Stopping is a mail server going down: open sessions (a client's pooled connection) are cut
    // almost at once rather than after smtp-server's default 30 s.
    closeTimeout: 100,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      sessions++;
      callback();
    },
    onAuth(auth, _session, callback) {
      // Any user and password unless a test asks for one.
      if (login && (auth.username !== login.user || auth.password !== login.password)) {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, callback) {
      if (refusal && refusal.pattern.test(address.address)) {
        const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        const mail: ReceivedMail = {
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          headers: headersOf(raw),
        };
        received.push(mail);
        callback();
        for (const listener of listeners) listener(mail);
      });
    },
  };

  let server = new SMTPServer(serverOptions);
  let port = options.port ?? 0;
  const listen = async () => {
    server = new SMTPServer(serverOptions);
    server.listen(port, '127.0.0.1');
    await once(server.server, 'listening');
    port = (server.server.address() as AddressInfo).port;
  };
  await listen();
  let running = true;

  const stop = async () => {
    if (!running) return;
    running = false;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const onMail = (listener: (mail: ReceivedMail) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };

  return {
    get port() {
      return port;
    },
    received,
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          remove();
          reject(new Error(`the SMTP server received ${received.length} mails, not ${count}, within ${timeoutMs} ms`));
        }, timeoutMs);
        const remove = onMail(() => {
          if (received.length < count) return;
          clearTimeout(timer);
          remove();
          resolve(received);
        });
      });
    },
    onMail,
    refuseRecipients(pattern, reply = { code: 550, message: 'Mailbox unavailable' }) {
      refusal = pattern ? { pattern, ...reply } : undefined;
    },
    sessions: () => sessions,
    requireLogin(credentials) {
      login = credentials;
    },
    stop,
    async start() {
      if (running) return;
      await listen();
      running = true;
    },
    close: stop,
  };
}
