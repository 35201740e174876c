import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RULES_SCHEMA_V0 } from './released';
import { ruleMigrationStrategies, ruleSchema, type Rule } from './rules';
import { T0, openTestDatabase, without, writeError, type TestDatabase } from './test-kit';

/** Mail to the licences alias about building works goes to Urbanismo, with an acknowledgement. */
function licencesRule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'rule-urbanismo-licencias',
    name: 'Licencias de obra a Urbanismo',
    order: 10,
    enabled: true,
    match: 'all',
    conditions: [
      { type: 'channel', channels: ['email', 'web_form'] },
      { type: 'mailbox', mailboxes: ['licencias@ayto-villanueva.es'] },
      { type: 'words', field: 'subject_or_body', words: ['licencia', 'obra'], match: 'any' },
    ],
    actions: [
      { type: 'set_department', departmentId: 'urbanismo' },
      { type: 'add_tags', tags: ['licencias'] },
      { type: 'set_category', category: 'licencias' },
      { type: 'auto_assign' },
      { type: 'auto_reply', templateKey: 'acuse-recibo' },
      { type: 'stop' },
    ],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('rules schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['rules']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores rules with every kind of condition and action', async () => {
    const result = await db.rules.bulkInsert([
      licencesRule(),
      licencesRule({
        id: 'rule-policia-urgente',
        name: 'Avisos de la Policía Local fuera de horario',
        order: 1,
        departmentId: 'seguridad',
        match: 'all',
        conditions: [
          { type: 'sender_domain', domains: ['policia.ayto-villanueva.es'] },
          { type: 'time', window: 'outside_working_hours', calendarId: 'cal-villanueva' },
          { type: 'sender', addresses: ['no-reply@policia.ayto-villanueva.es'], negate: true },
        ],
        actions: [
          { type: 'set_priority', priority: 'urgent' },
          { type: 'assign', userId: 'usr-guardia' },
        ],
      }),
      licencesRule({
        id: 'rule-prioridad',
        name: 'Urgentes y altas a la bandeja general',
        order: 20,
        match: 'any',
        conditions: [{ type: 'priority', priorities: ['high', 'urgent'] }],
        actions: [{ type: 'add_tags', tags: ['revisar'] }],
      }),
      licencesRule({ id: 'rule-catch-all', name: 'Todo lo demás', order: 1000, conditions: [], actions: [{ type: 'stop' }], enabled: false }),
    ]);
    expect(result.error).toEqual([]);
  });

  it('stores citizen conditions on each attribute, negated or not', async () => {
    const result = await db.rules.bulkInsert([
      licencesRule({
        id: 'rule-empresas',
        match: 'all',
        conditions: [
          { type: 'citizen', attribute: 'document_type', values: ['cif'] },
          { type: 'citizen', attribute: 'postal_code', values: ['28950', '28951'], negate: true },
          { type: 'citizen', attribute: 'municipality', values: ['Villanueva del Prado'] },
          { type: 'citizen', attribute: 'preferred_language', values: ['ca', 'ca-ES-valencia'] },
          { type: 'citizen', attribute: 'contact', values: ['first_contact'] },
        ],
      }),
    ]);
    expect(result.error).toEqual([]);
  });

  it('changed additively since its release: every field and kind of condition of version 0 is still there, as it was', () => {
    const released = RULES_SCHEMA_V0 as unknown as { properties: Record<string, { items?: { oneOf: unknown[] } }>; required: string[] };
    const current = ruleSchema as unknown as typeof released;
    const { conditions: conditionsV0, ...fieldsV0 } = released.properties;
    const { conditions: conditionsV1, ...fieldsV1 } = current.properties;
    expect(fieldsV1).toEqual(fieldsV0);
    expect(current.required).toEqual(released.required);
    expect(conditionsV1!.items!.oneOf).toEqual(expect.arrayContaining(conditionsV0!.items!.oneOf));
    expect(conditionsV1!.items!.oneOf).toHaveLength(conditionsV0!.items!.oneOf.length + 5);
  });

  it('carries an identity migration from version 0: every version-0 rule is a valid version-1 rule', () => {
    expect(ruleSchema.version).toBe(1);
    const rule = licencesRule();
    expect(ruleMigrationStrategies[1](rule)).toBe(rule);
  });

  it.each([
    ['a condition of an unknown type', { conditions: [{ type: 'attachment', mimeTypes: ['application/pdf'] }] }],
    ['a condition missing its values', { conditions: [{ type: 'channel' }] }],
    ['a condition with no values to match', { conditions: [{ type: 'channel', channels: [] }] }],
    ['a condition with a field of another condition', { conditions: [{ type: 'channel', channels: ['email'], words: ['obra'] }] }],
    ['a channel outside the enum', { conditions: [{ type: 'channel', channels: ['fax'] }] }],
    ['a citizen condition on an unknown attribute', { conditions: [{ type: 'citizen', attribute: 'age', values: ['65'] }] }],
    ['a citizen condition without its attribute', { conditions: [{ type: 'citizen', values: ['cif'] }] }],
    ['a document kind outside the enum', { conditions: [{ type: 'citizen', attribute: 'document_type', values: ['nif'] }] }],
    ['a postal code that is not digits', { conditions: [{ type: 'citizen', attribute: 'postal_code', values: ['28950-A'] }] }],
    ['a postal code longer than five digits', { conditions: [{ type: 'citizen', attribute: 'postal_code', values: ['289501'] }] }],
    ['a language that is not a BCP 47 tag', { conditions: [{ type: 'citizen', attribute: 'preferred_language', values: ['Català'] }] }],
    ['a values list of another attribute', { conditions: [{ type: 'citizen', attribute: 'contact', values: ['cif'] }] }],
    ['an action of an unknown type', { actions: [{ type: 'delete_ticket' }] }],
    ['an action missing its argument', { actions: [{ type: 'set_department' }] }],
    ['a priority outside the enum', { actions: [{ type: 'set_priority', priority: 'máxima' }] }],
    ['no action at all', { actions: [] }],
    ['an order with a fraction', { order: 1.5 }],
    ['the enabled flag written as text', { enabled: 'true' }],
  ])('refuses a rule with %s', async (_case, change) => {
    expect(await writeError(db.rules.insert({ ...licencesRule(), ...change } as Rule))).toBe('VD2');
  });

  it.each(['name', 'order', 'enabled', 'match', 'conditions', 'actions'] as const)('refuses a rule without %s', async (field) => {
    expect(await writeError(db.rules.insert(without(licencesRule(), field) as Rule))).toBe('VD2');
  });
});
