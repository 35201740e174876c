import { afterEach, describe, expect, it } from 'vitest';
import { rule } from '../../core/routing/test-rules';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import type { Rule } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { canWriteRules, deleteRule, moveRule, nextOrder, ruleOwners, saveRule, setRuleEnabled, visibleRules, writeOrders } from './rules-store';

const lucia = { role: 'supervisor' as const, departmentIds: ['urbanismo', 'medio-ambiente'] };
const admin = { role: 'admin' as const, departmentIds: [] };
const clerk = { role: 'clerk' as const, departmentIds: ['urbanismo'] };

const r = (id: string, order: number, departmentId?: string): Rule => rule(id, [], [{ type: 'stop' }], { id, order, ...(departmentId && { departmentId }) });

describe('who may write which rules', () => {
  it('follows the server: supervisors their departments\' rules, administrators all, clerks none', () => {
    expect(canWriteRules(lucia, 'urbanismo')).toBe(true);
    expect(canWriteRules(lucia, 'hacienda')).toBe(false);
    expect(canWriteRules(lucia, undefined)).toBe(false);
    expect(canWriteRules(admin, undefined)).toBe(true);
    expect(canWriteRules(clerk, 'urbanismo')).toBe(false);
    expect(ruleOwners(lucia, ['hacienda', 'urbanismo', 'medio-ambiente'])).toEqual(['urbanismo', 'medio-ambiente']);
    expect(ruleOwners(admin, ['hacienda'])).toEqual(['', 'hacienda']);
    expect(ruleOwners(clerk, ['urbanismo'])).toEqual([]);
  });

  it('lists council-wide rules and the user\'s departments\' in routing order', () => {
    const rules = [r('c', 30, 'hacienda'), r('b', 20, 'urbanismo'), r('a', 20), r('d', 5)];
    expect(visibleRules(rules, lucia).map((x) => x.id)).toEqual(['d', 'a', 'b']);
    expect(visibleRules(rules, admin).map((x) => x.id)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('puts a new rule after every other, on the next multiple of ten', () => {
    expect(nextOrder([])).toBe(10);
    expect(nextOrder([r('a', 10), r('b', 173)])).toBe(180);
  });
});

describe('moving a rule up or down', () => {
  const mine = (x: Rule) => x.departmentId === 'urbanismo';
  const sorted = [r('a', 10), r('b', 20, 'urbanismo'), r('c', 21, 'urbanismo'), r('d', 22), r('e', 40, 'urbanismo')];

  it('takes a free number between its new neighbours, touching no other rule', () => {
    expect(moveRule(sorted, 1, -1, mine)).toEqual([{ id: 'b', order: 0 }]);
    expect(moveRule(sorted, 2, 1, mine)).toEqual([{ id: 'c', order: 31 }]);
    expect(moveRule(sorted, 3, 1, () => true)).toEqual([{ id: 'd', order: 50 }]);
  });

  it('exchanges numbers with an editable neighbour when there is no room, and cannot pass a rule it may not change without room', () => {
    expect(moveRule(sorted, 1, 1, mine)).toEqual([{ id: 'b', order: 21 }, { id: 'c', order: 20 }]);
    const tight = [r('a', 10, 'urbanismo'), r('b', 11), r('c', 12)];
    expect(moveRule(tight, 0, 1, mine)).toBeUndefined();
    expect(moveRule(sorted, 4, -1, mine)).toBeUndefined();
  });

  it('does not move the first up, the last down, or a rule the user may not change', () => {
    expect(moveRule(sorted, 0, -1, () => true)).toBeUndefined();
    expect(moveRule(sorted, 4, 1, mine)).toBeUndefined();
    expect(moveRule(sorted, 3, -1, mine)).toBeUndefined();
    expect(moveRule([r('a', 0, 'urbanismo'), r('b', 0, 'urbanismo')], 1, -1, mine)).toBeUndefined();
  });
});

describe('writing rules to the replica', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('creates, changes, reorders, switches off and deletes a rule, leaving a tombstone that replicates', async () => {
    db = await openTestDatabase(['rules']);
    const replica = db as unknown as WorkstationDatabase;
    const first = r('licencias', 20, 'urbanismo');
    await saveRule(replica, first);
    await saveRule(replica, { ...first, name: 'Licencias de obra', updatedAt: first.updatedAt + 1 });
    await writeOrders(replica, [{ id: 'licencias', order: 15 }]);
    await setRuleEnabled(replica, 'licencias', false);
    const stored = (await db.rules.findOne('licencias').exec())!.toJSON();
    expect(stored).toMatchObject({ name: 'Licencias de obra', order: 15, enabled: false });
    expect(stored.updatedAt).toBeGreaterThan(first.updatedAt);
    await deleteRule(replica, 'licencias');
    expect(await db.rules.findOne('licencias').exec()).toBeNull();
    const [tombstone] = await db.rules.storageInstance.findDocumentsById(['licencias'], true);
    expect(tombstone?._deleted).toBe(true);
  });
});
