/**
 * The workstation's contact index (main/host/contact-index.ts): phones and addresses → citizens,
 * for the counter's lookups and for joining a mail's sender to a clerk's citizen card. Its first
 * build on a replica, two ways — through RxDB's change feed (documents parsed in JavaScript, one
 * insert per row) and by SQL over the replica's citizens table (what the index does) — the first
 * lookup on a new index (which waits for the build), and lookups once built. Bounded: about a
 * minute at 60,000 citizens.
 *
 *   npx tsx bench/contact-index.ts [--citizens 60000] [--runs 3] [--lookups 500]
 */
import path from 'node:path';
import type { RxCollection } from 'rxdb';
import { buildCitizen } from '../core/demo/citizens';
import { Random } from '../core/demo/random';
import type { Citizen } from '../core/schemas';
import { ContactIndex } from '../main/host/contact-index';
import { openLocalDatabase } from '../main/store/local-database';
import { loadAverage, machine, ms, numberOption, percentiles, progress, tempFolder } from './support';

const citizenCount = numberOption('citizens', 60_000);
const runs = numberOption('runs', 3);
const lookups = numberOption('lookups', 500);

const folder = tempFolder('ventanilla-bench-contacts-');
const local = await openLocalDatabase({ directory: folder.path, name: 'clerk', durability: 'normal' });
try {
  // The demo council's cards (core/demo): Spanish names, documents, postal addresses, phones and
  // addresses as a council's citizens have them.
  progress(`writing ${citizenCount} citizens`);
  const random = new Random('bench-contact-index');
  const now = Date.UTC(2026, 10, 1);
  const cards: Citizen[] = [];
  for (let start = 0; start < citizenCount; start += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, citizenCount - start) }, (_, i) => buildCitizen(random, now - (start + i) * 60_000, now).doc);
    cards.push(...batch);
    await local.db.citizens.bulkInsert(batch);
  }
  const withEmail = cards.filter((card) => card.emails.length > 0);
  const withPhone = cards.filter((card) => card.phones.length > 0);
  const probe = withEmail[Math.floor(withEmail.length / 2)]!;
  const storage = local.db.citizens.storageInstance;
  // The same collection seen without our storage's internals: the index falls back to the feed.
  const feedOnly = { storageInstance: { changeStream: () => storage.changeStream(), getChangedDocumentsSince: storage.getChangedDocumentsSince!.bind(storage), schema: storage.schema } } as unknown as RxCollection<Citizen>;

  const loadAtStart = loadAverage();
  const builds = { feed: [] as number[], sql: [] as number[] };
  const firstLookup: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const way of ['feed', 'sql'] as const) {
      const file = path.join(folder.path, `contacts-${way}-${run}.sqlite`);
      const started = performance.now();
      const index = ContactIndex.open(file, way === 'sql' ? local.db.citizens : feedOnly);
      const found = await index.citizensOf('email', probe.emails[0]!);
      const elapsed = performance.now() - started;
      if (!found.includes(probe.id)) throw new Error(`the ${way} build did not find ${probe.id} by ${probe.emails[0]}`);
      builds[way].push(elapsed);
      if (way === 'sql') firstLookup.push(elapsed);
      index.close();
      progress(`run ${run + 1}: ${way} build and first lookup ${Math.round(elapsed)} ms`);
    }
  }

  const index = ContactIndex.open(path.join(folder.path, 'contacts-sql-0.sqlite'), local.db.citizens);
  await index.caughtUp();
  const lookupTimes: number[] = [];
  for (let i = 0; i < lookups; i++) {
    const card = i % 2 === 0 ? withEmail[(i * 7919) % withEmail.length]! : withPhone[(i * 7919) % withPhone.length]!;
    const started = performance.now();
    const found = await index.citizensOf(i % 2 === 0 ? 'email' : 'phone', i % 2 === 0 ? card.emails[0]! : card.phones[0]!);
    lookupTimes.push(performance.now() - started);
    if (!found.includes(card.id) && found.length < 50) throw new Error(`lookup ${i} missed ${card.id}`);
  }
  index.close();

  const round = (p: ReturnType<typeof percentiles>) => ({ n: p.n, p50: ms(p.p50), p95: ms(p.p95), max: ms(p.max) });
  console.log(
    JSON.stringify({
      benchmark: 'contact-index',
      machine: machine(),
      load: { start: loadAtStart, end: loadAverage() },
      citizens: citizenCount,
      withEmail: withEmail.length,
      withPhone: withPhone.length,
      firstBuildThroughFeedMs: round(percentiles(builds.feed)),
      firstBuildBySqlMs: round(percentiles(builds.sql)),
      firstLookupOnNewIndexMs: round(percentiles(firstLookup)),
      lookupMs: round(percentiles(lookupTimes)),
    }),
  );
} finally {
  await local.close();
  folder.remove();
}
