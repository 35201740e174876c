import { describe, expect, it } from 'vitest';
import { INTAKE_DEPARTMENT_ID } from '../schemas';
import { compileRules } from './rule-compiler';
import { previewRule, reapplyRules, type RoutedTicket } from './rule-preview';
import { rule, ticket } from './test-rules';

const licencias = rule('Licencias de obra', [{ type: 'words', field: 'subject_or_body', words: ['licencia de obra', 'obra menor'], match: 'any' }], [{ type: 'set_department', departmentId: 'urbanismo' }, { type: 'add_tags', tags: ['licencias'] }], { id: 'r-lic' });

function recent(count: number): RoutedTicket[] {
  return Array.from({ length: count }, (_, index) => ({
    ...ticket({ id: `t${index}`, subject: index % 4 === 0 ? 'Licencia de obra menor' : 'Recibo del agua', body: '' }),
    departmentId: INTAKE_DEPARTMENT_ID,
    tags: [],
  }));
}

describe('previewing a rule', () => {
  it('lists the recent tickets it would match: 125 of the last 500', () => {
    const preview = previewRule(licencias, recent(500), { calendars: [] });
    expect(preview).toMatchObject({ ok: true, matched: 125, examined: 500 });
    if (preview.ok) expect(preview.matchedTicketIds.slice(0, 3)).toEqual(['t0', 't4', 't8']);
  });

  it('previews a disabled rule too, since the supervisor is still editing it', () => {
    expect(previewRule({ ...licencias, enabled: false }, recent(8), { calendars: [] })).toMatchObject({ ok: true, matched: 2 });
  });

  it('says why a rule cannot be previewed', () => {
    const broken = rule('Fuera de horario', [{ type: 'time', window: 'outside_working_hours' }], [{ type: 'stop' }], { id: 'r-x' });
    expect(previewRule(broken, recent(3), { calendars: [] })).toEqual({ ok: false, problem: { ruleId: 'r-x', ruleName: 'Fuera de horario', message: expect.stringMatching(/needs a calendar/) } });
  });
});

describe('re-applying the rules to existing tickets', () => {
  const compiled = compileRules([licencias], { calendars: [] });

  it('lists only what would change, with the rule that changes it', () => {
    const tickets = recent(8);
    tickets[4] = { ...tickets[4]!, departmentId: 'urbanismo', routedBy: 'r-lic', tags: ['licencias'] };
    const result = reapplyRules(compiled, tickets);
    expect(result.examined).toBe(8);
    expect(result.changes.map((change) => change.ticketId)).toEqual(['t0']);
    expect(result.changes[0]).toMatchObject({ department: { from: '', to: 'urbanismo', rule: { ruleId: 'r-lic' } }, addTags: ['licencias'] });
  });

  it('never moves a ticket a person put in a department, unless asked to', () => {
    const tickets = [{ ...recent(1)[0]!, departmentId: 'hacienda' }];
    expect(reapplyRules(compiled, tickets).changes[0]?.department).toBeUndefined();
    expect(reapplyRules(compiled, tickets, { keepManualDepartments: false }).changes[0]?.department).toMatchObject({ from: 'hacienda', to: 'urbanismo' });
  });

  it('reports progress as it goes and can be stopped', () => {
    const progress: number[] = [];
    const result = reapplyRules(compiled, recent(2500), { progressEvery: 1000, onProgress: ({ done, total }) => progress.push(done / total!) });
    expect(progress).toEqual([0.4, 0.8, 1]);
    expect(result.changes).toHaveLength(625);
    const stopped = reapplyRules(compiled, recent(2500), { progressEvery: 1000, shouldStop: () => true });
    expect(stopped).toMatchObject({ examined: 1000, stopped: true });
  });

  it('takes tickets from any iterable, without knowing the total', () => {
    function* stream() {
      yield* recent(3);
    }
    const progress: unknown[] = [];
    reapplyRules(compiled, stream(), { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([{ done: 3 }]);
  });
});
