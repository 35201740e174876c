/**
 * A parser worker that cannot even load, as in a broken build, for parse-pool.test.ts: the pool
 * must blame no message for it.
 */
throw new Error('módulo del analizador roto');
