/**
 * A parser worker whose loading never ends (an import that hangs), for parse-pool.test.ts: it
 * never says it is ready, and the pool must not let the messages wait for it for ever.
 */
setInterval(() => undefined, 60_000);
