// The first schema migration of a released collection (rules, version 0 → 1: the `citizen`
// condition), on a real replica file and against the real central server: a workstation of the
// released version is upgraded and nothing is lost — not its rules, not a rule edited offline and
// not yet pushed, not a rule the released version had to leave out.
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { getRxStorageRemote, type MessageFromRemote, type RemoteMessageChannel } from 'rxdb/plugins/storage-remote';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { StorageRequest } from '../../core/app-api/protocol';
import { COLLECTION_NAMES, collections, type Collections, type Rule } from '../../core/schemas';
import { RULES_SCHEMA_V0 } from '../../core/schemas/released';
import { CONFLICT_HANDLERS } from '../../core/sync/conflict-handlers';
import { pendingPushIds } from '../sync/pending-pushes';
import { startSync, type StartSyncOptions } from '../sync/start-sync';
import { pushAs, serverDocuments } from '../sync/test-support/central-server';
import { ADMIN } from '../sync/test-support/council';
import { fastRetries, useSyncFixture } from '../sync/test-support/sync-fixture';
import { openStorageChannel } from '../host/storage-exposure';
import { getRxStorageSqlite } from './index';
import { openLocalDatabase } from './local-database';
import { beginSchemaMigrations, describeMigration } from './schema-migrations';

const fixture = useSyncFixture('ventanilla-schema-migration-');

const T = Date.UTC(2026, 10, 2, 9);

function rule(id: string, name: string, conditions: Rule['conditions'], order = 10): Rule {
  return { id, name, order, enabled: true, match: 'all', conditions, actions: [{ type: 'set_department', departmentId: 'urbanismo' }], createdAt: T, updatedAt: T };
}

const licencias = rule('r-licencias', 'Licencias de obra', [{ type: 'words', field: 'subject_or_body', words: ['licencia de obra'], match: 'any' }]);
const telefono = rule('r-telefono', 'Llamadas', [{ type: 'channel', channels: ['phone'] }], 20);
const empresas = rule('r-empresas', 'Empresas a Hacienda', [{ type: 'citizen', attribute: 'document_type', values: ['cif'] }], 5);

/** The workstation as released: the same file and storage, the rules collection at version 0 (the released schema, frozen in core/schemas/released). */
async function openReleasedReplica(directory: string): Promise<RxDatabase<Collections>> {
  const db = await createRxDatabase<Collections>({
    name: 'admin',
    storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory, durability: 'normal' }) }),
    multiInstance: false,
    eventReduce: true,
  });
  await db.addCollections(
    Object.fromEntries(COLLECTION_NAMES.map((name) => [name, { schema: name === 'rules' ? RULES_SCHEMA_V0 : collections[name].schema, conflictHandler: CONFLICT_HANDLERS[name] }])) as unknown as typeof collections,
  );
  return db;
}

/**
 * The released version's pull of rules: a document its schema refuses is left out (main/sync:
 * "a pulled document that breaks its schema is left out and reported"), and the checkpoint
 * moves past it. Simulated here by dropping such rules from the server's answers.
 */
const releasedPull: StartSyncOptions['fetch'] = async (input, init) => {
  const response = await fetch(input, init);
  if (!/\/replication\/rules\/pull/.test(input) || !response.ok) return response;
  const page = (await response.json()) as { documents: Rule[] };
  const readable = page.documents.filter((document) => document.conditions.every((condition) => condition.type !== 'citizen'));
  return new Response(JSON.stringify({ ...page, documents: readable }), { status: response.status, headers: response.headers });
};

async function serverRules(): Promise<Map<string, Rule>> {
  return new Map((await serverDocuments(fixture.server.url, ADMIN, 'rules')).map((document) => [String(document.id), document as unknown as Rule]));
}

/**
 * The screens' database over RxDB's remote storage, as renderer/platform/service-client.ts opens
 * it (core's collections, `autoMigrate: false`), served by the service's storage channel.
 */
async function openScreensDatabase(service: RxDatabase<Collections>): Promise<RxDatabase<Collections>> {
  const channel = (): RemoteMessageChannel => {
    const messages$ = new Subject<MessageFromRemote>();
    const served = openStorageChannel(service, (answer) => messages$.next(answer as unknown as MessageFromRemote));
    return { send: (message) => served.receive(message as unknown as StorageRequest), messages$: messages$.asObservable(), close: () => Promise.resolve(served.close()) };
  };
  const storage = getRxStorageRemote({ identifier: 'screens-after-migration', mode: 'storage', messageChannelCreator: () => Promise.resolve(channel()) });
  const db = await createRxDatabase<Collections>({ name: service.name, storage, multiInstance: false, eventReduce: true });
  // Only rules: the service's database in this process holds 8 of RxDB open-core's 13 collections.
  await db.addCollections({ rules: collections.rules } as unknown as typeof collections);
  return db;
}

/** The replica's tables of rules or of RxDB's migration at schema version 0. */
function versionZeroTables(file: string): string[] {
  const tables = new Database(file, { readonly: true });
  try {
    const names = (tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rx:%:0'").all() as { name: string }[]).map((row) => row.name);
    return names.filter((name) => name.startsWith('rx:rules:') || name.startsWith('rx:rx-migration'));
  } finally {
    tables.close();
  }
}

const insertRows = (documents: Rule[]) => documents.map((document) => ({ newDocumentState: { ...document, _deleted: false } }));

/**
 * A released workstation's replica, in sync with the server but for one rule it could not read,
 * then a rule renamed offline; closed before the upgrade. Answers its folder.
 */
async function releasedReplicaWithOfflineEdit(): Promise<string> {
  // The server takes rules in the released shape (a version-0 workstation's push validates)
  // and in the new one.
  expect(await pushAs(fixture.server.url, ADMIN, 'rules', insertRows([licencias, telefono, empresas]))).toEqual([]);
  const folder = path.join(fixture.folder, 'admin');
  const released = await openReleasedReplica(folder);
  const sync = await startSync({ db: released, serverUrl: fixture.server.url, credentials: { ...ADMIN, workstation: 'test' }, ...fastRetries, fetch: releasedPull });
  await sync.awaitInSync();
  expect((await released.rules.find().exec()).map((document) => document.id).sort()).toEqual(['r-licencias', 'r-telefono']);
  await sync.stop();
  // Offline: the supervisor renames a rule; the upgrade comes before the network.
  const edited = await (await released.rules.findOne('r-licencias').exec())!.incrementalPatch({ name: 'Licencias de obra y actividad', updatedAt: T + 60_000 });
  expect(edited.name).toBe('Licencias de obra y actividad');
  await released.close();
  return folder;
}

describe('the rules collection migrated from version 0 to version 1', () => {
  it('keeps every rule, pushes a rule edited offline before the upgrade, and pulls the rule the old version left out', async () => {
    const folder = await releasedReplicaWithOfflineEdit();
    const upgraded = await openLocalDatabase({ directory: folder, name: 'admin', durability: 'normal' });
    try {
      expect(upgraded.migrations).toEqual([{ collection: 'rules', from: 0, to: 1, assumedStatesRepaired: 2, pullsRestarted: 1 }]);
      expect(describeMigration(upgraded.migrations[0]!)).toBe('rules: stored documents migrated from schema version 0 to 1; its replication pulls it again from the start');
      const local = await upgraded.db.rules.find({ sort: [{ id: 'asc' }] }).exec();
      expect(local.map((document) => [document.id, document.name])).toEqual([
        ['r-licencias', 'Licencias de obra y actividad'],
        ['r-telefono', 'Llamadas'],
      ]);
      // The version-0 tables are gone; the documents and the replication's bookkeeping are in version 1's.
      expect(versionZeroTables(upgraded.file)).toEqual([]);

      // The screens open the migrated replica as it is, and see the service's writes.
      const screens = await openScreensDatabase(upgraded.db);
      try {
        expect((await screens.rules.find({ sort: [{ id: 'asc' }] }).exec()).map((document) => document.name)).toEqual(['Licencias de obra y actividad', 'Llamadas']);
        expect(screens.rules.migrationInProgress).toBe(false);
      } finally {
        await screens.close();
      }

      const resumed = await startSync({ db: upgraded.db, serverUrl: fixture.server.url, credentials: { ...ADMIN, workstation: 'test' }, ...fastRetries });
      try {
        await resumed.awaitInSync();
        // The offline edit reached the server, with no conflict (a conflict would have let the server's name win).
        expect((await serverRules()).get('r-licencias')).toMatchObject({ name: 'Licencias de obra y actividad', updatedAt: T + 60_000 });
        expect((await upgraded.db.rules.findOne('r-licencias').exec())!.name).toBe('Licencias de obra y actividad');
        // The rule the released version could not read is pulled now.
        expect((await upgraded.db.rules.findOne('r-empresas').exec())?.toJSON().conditions).toEqual(empresas.conditions);
        expect(await pendingPushIds(resumed.replications.rules!.internalReplicationState!)).toEqual(new Set());
        // Later edits replicate as usual.
        await (await upgraded.db.rules.findOne('r-telefono').exec())!.incrementalPatch({ enabled: false, updatedAt: T + 120_000 });
        await resumed.awaitInSync();
        expect((await serverRules()).get('r-telefono')).toMatchObject({ enabled: false });
      } finally {
        await resumed.stop();
      }
    } finally {
      await upgraded.close();
    }

    // Opened again: nothing left to migrate.
    const again = await openLocalDatabase({ directory: folder, name: 'admin', durability: 'normal' });
    try {
      expect(again.migrations).toEqual([]);
      expect(await again.db.rules.count().exec()).toBe(3);
    } finally {
      await again.close();
    }
  });

  it('repairs a migration that RxDB finished in a start that then died, before the repair', async () => {
    const folder = await releasedReplicaWithOfflineEdit();
    // The start that dies: marker written, RxDB migrates inside addCollections, no repair.
    const dying = await createRxDatabase<Collections>({ name: 'admin', storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory: folder, durability: 'normal' }) }), multiInstance: false });
    const marker = path.join(folder, 'admin.migrating.json');
    await beginSchemaMigrations(dying, { rules: 1 }, marker);
    await dying.addCollections(
      Object.fromEntries(COLLECTION_NAMES.map((name) => [name, { ...collections[name], conflictHandler: CONFLICT_HANDLERS[name], autoMigrate: true }])) as unknown as typeof collections,
    );
    await dying.close();
    expect(versionZeroTables(path.join(folder, 'admin.sqlite'))).toEqual([]);

    const upgraded = await openLocalDatabase({ directory: folder, name: 'admin', durability: 'normal' });
    const sync = await startSync({ db: upgraded.db, serverUrl: fixture.server.url, credentials: { ...ADMIN, workstation: 'test' }, ...fastRetries });
    try {
      expect(upgraded.migrations).toEqual([{ collection: 'rules', from: 0, to: 1, assumedStatesRepaired: 2, pullsRestarted: 1 }]);
      expect(existsSync(marker)).toBe(false);
      await sync.awaitInSync();
      expect((await serverRules()).get('r-licencias')).toMatchObject({ name: 'Licencias de obra y actividad' });
      expect((await upgraded.db.rules.findOne('r-empresas').exec())?.id).toBe('r-empresas');
    } finally {
      await sync.stop();
      await upgraded.close();
    }
  });

  it('imports a new replica of version-1 rules page by page (first-replica.ts), and pushes edits to it', async () => {
    expect(await pushAs(fixture.server.url, ADMIN, 'rules', insertRows([licencias, telefono, empresas]))).toEqual([]);
    const local = await openLocalDatabase({ directory: path.join(fixture.folder, 'fresh'), name: 'admin', durability: 'normal' });
    const sync = await startSync({ db: local.db, serverUrl: fixture.server.url, credentials: { ...ADMIN, workstation: 'test' }, ...fastRetries });
    try {
      await sync.awaitInSync();
      expect(local.migrations).toEqual([]);
      expect((await sync.firstReplicas).rules).toEqual({ outcome: 'complete', documents: 3, pages: 1 });
      expect(await pendingPushIds(sync.replications.rules!.internalReplicationState!)).toEqual(new Set());
      await (await local.db.rules.findOne('r-empresas').exec())!.incrementalPatch({ conditions: [{ type: 'citizen', attribute: 'document_type', values: ['cif'], negate: true }], updatedAt: T + 1 });
      await sync.awaitInSync();
      expect((await serverRules()).get('r-empresas')?.conditions).toEqual([{ type: 'citizen', attribute: 'document_type', values: ['cif'], negate: true }]);
    } finally {
      await sync.stop();
      await local.close();
    }
  });
});
