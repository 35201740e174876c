// A free loopback port, for the tests and benchmarks of every folder that start a real server
// (PostgreSQL, the central server, Dovecot): one helper here, since main/, server/ and bench/
// may not import one another's test support.
import { createServer } from 'node:net';

/** A TCP port nobody listens on at this moment, on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
