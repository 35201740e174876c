import { describe, expect, it } from 'vitest';
import { defaultCouncil } from '../../core/routing/test-council';
import { routingContextOf } from './rules-context';
import { blankAction, blankCondition, draftOf, newDraft, previewRuleOfDraft, problemError, ruleOfDraft, splitList, withOwner } from './rules-draft';

const council = defaultCouncil();
const context = routingContextOf(council.calendars, council.departments);
const NOW = Date.UTC(2026, 5, 1);

describe('the rule editor\'s draft', () => {
  it('reads back every rule of the default council unchanged', () => {
    for (const rule of council.rules) {
      const back = ruleOfDraft(draftOf(rule), context, 'unused', rule.updatedAt);
      expect(back.errors, rule.name).toEqual([]);
      expect(back.rule, rule.name).toEqual(rule);
    }
  });

  it('reads back a rule with a citizen condition on each attribute, and keeps a language the form does not offer', () => {
    const draft = newDraft('hacienda', 30);
    draft.name = 'Empresas de fuera';
    draft.conditions = [
      { ...blankCondition('citizen'), citizenAttribute: 'document_type', documentKinds: ['cif'] },
      { ...blankCondition('citizen'), citizenAttribute: 'postal_code', text: '28950, 28 951', negate: true },
      { ...blankCondition('citizen'), citizenAttribute: 'municipality', text: 'Villanueva del Prado' },
      { ...blankCondition('citizen'), citizenAttribute: 'preferred_language', languages: ['ca', 'ca-ES-valencia'] },
      { ...blankCondition('citizen'), citizenAttribute: 'contact', contacts: ['first_contact'] },
    ];
    const { rule, errors } = ruleOfDraft(draft, context, 'rule-empresas', NOW);
    expect(errors).toEqual([]);
    expect(rule?.conditions).toEqual([
      { type: 'citizen', attribute: 'document_type', values: ['cif'] },
      { type: 'citizen', attribute: 'postal_code', values: ['28950', '28951'], negate: true },
      { type: 'citizen', attribute: 'municipality', values: ['Villanueva del Prado'] },
      { type: 'citizen', attribute: 'preferred_language', values: ['ca', 'ca-ES-valencia'] },
      { type: 'citizen', attribute: 'contact', values: ['first_contact'] },
    ]);
    expect(ruleOfDraft(draftOf(rule!), context, 'unused', NOW).rule).toEqual(rule);
  });

  it('says what is wrong with a citizen condition', () => {
    const draft = newDraft('hacienda', 30);
    draft.name = 'Mal';
    draft.conditions = [
      { ...blankCondition('citizen'), citizenAttribute: 'postal_code', text: '28950, 2895A' },
      { ...blankCondition('citizen'), citizenAttribute: 'document_type' },
      { ...blankCondition('citizen'), citizenAttribute: 'municipality', text: ' ; ' },
    ];
    expect(ruleOfDraft(draft, context, 'r', NOW).errors).toEqual([
      { at: 'condition.0', key: 'badPostalCode', values: { item: '2895A' } },
      { at: 'condition.1', key: 'chooseOne' },
      { at: 'condition.2', key: 'listEmpty' },
    ]);
    expect(problemError('this version of Ventanilla does not know the condition "weather"')).toEqual({ at: 'rule', key: 'unknownCondition' });
  });

  it('splits typed lists on commas, semicolons and lines, without blanks or repeats', () => {
    expect(splitList(' licencia de obra, obra menor;\n\n obra menor ,')).toEqual(['licencia de obra', 'obra menor']);
  });

  it('builds a new department rule with a fresh id, its department and the time it was saved', () => {
    const draft = newDraft('urbanismo', 180);
    draft.name = '  Terrazas a Urbanismo ';
    draft.conditions[0]!.text = 'terraza, velador';
    const { rule, errors } = ruleOfDraft(draft, context, 'rule-new', NOW);
    expect(errors).toEqual([]);
    expect(rule).toEqual({
      id: 'rule-new',
      name: 'Terrazas a Urbanismo',
      order: 180,
      departmentId: 'urbanismo',
      enabled: true,
      match: 'all',
      conditions: [{ type: 'words', field: 'subject_or_body', words: ['terraza', 'velador'], match: 'any' }],
      actions: [{ type: 'set_department', departmentId: 'urbanismo' }],
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('says which field is wrong, each in its own words', () => {
    const draft = newDraft('urbanismo', 10);
    draft.conditions = [
      { ...blankCondition('words'), text: ' , ' },
      { ...blankCondition('sender'), text: 'vecina@correo.example, no es un correo' },
      { ...blankCondition('channel') },
      { ...blankCondition('sender_domain'), text: 'gva es' },
    ];
    draft.actions = [blankAction('set_department', ''), blankAction('auto_reply'), { ...blankAction('add_tags'), tags: 'x'.repeat(65) }];
    const { rule, errors } = ruleOfDraft(draft, context, 'r', NOW);
    expect(rule).toBeUndefined();
    expect(errors).toEqual([
      { at: 'name', key: 'nameRequired' },
      { at: 'condition.0', key: 'listEmpty' },
      { at: 'condition.1', key: 'badAddress', values: { item: 'no es un correo' } },
      { at: 'condition.2', key: 'chooseOne' },
      { at: 'condition.3', key: 'badDomain', values: { item: 'gva es' } },
      { at: 'action.0', key: 'chooseDepartment' },
      { at: 'action.1', key: 'chooseTemplate' },
      { at: 'action.2', key: 'itemTooLong', values: { item: 'x'.repeat(40), max: '64' } },
    ]);
  });

  it('refuses a rule without actions, and one core could not route with, as a problem of the whole rule', () => {
    const empty = { ...newDraft('urbanismo', 10), name: 'Nada', conditions: [], actions: [] };
    expect(ruleOfDraft(empty, context, 'r', NOW).errors).toEqual([{ at: 'actions', key: 'noActions' }]);
    const inactive = { ...newDraft('urbanismo', 10), name: 'A un departamento cerrado', conditions: [], actions: [blankAction('set_department', 'urbanismo')] };
    const closed = routingContextOf(council.calendars, council.departments.map((department) => (department.id === 'urbanismo' ? { ...department, active: false } : department)));
    expect(ruleOfDraft(inactive, closed, 'r', NOW).errors).toEqual([{ at: 'rule', key: 'departmentInactive', values: { name: 'Urbanismo' } }]);
    const noCalendar = { ...newDraft('urbanismo', 10), name: 'Fuera de horario', conditions: [blankCondition('time')] };
    expect(ruleOfDraft(noCalendar, { calendars: [], departments: council.departments }, 'r', NOW).errors).toEqual([{ at: 'rule', key: 'noCalendar' }]);
  });

  it('sends a new rule\'s tickets to its new owner when the owner changes, leaving other departments alone', () => {
    const draft = newDraft('medio-ambiente', 10);
    draft.actions.push(blankAction('set_department', 'hacienda'));
    expect(withOwner(draft, 'urbanismo').actions.map((action) => action.departmentId)).toEqual(['urbanismo', 'hacienda']);
    expect(withOwner(draft, '').actions.map((action) => action.departmentId)).toEqual(['medio-ambiente', 'hacienda']);
  });

  it('words core\'s problems it does not know as they came', () => {
    expect(problemError('something new')).toEqual({ at: 'rule', key: 'other', values: { message: 'something new' } });
  });

  it('previews the conditions alone once every row is complete', () => {
    const draft = newDraft('urbanismo', 10);
    expect(previewRuleOfDraft(draft)).toBeUndefined();
    draft.conditions[0]!.text = 'terraza';
    expect(previewRuleOfDraft(draft)?.conditions).toEqual([{ type: 'words', field: 'subject_or_body', words: ['terraza'], match: 'any' }]);
    draft.conditions = [];
    expect(previewRuleOfDraft(draft)?.conditions).toEqual([]);
  });
});

describe('the words of every problem', () => {
  it('exist in Spanish and English for every key the draft can give', async () => {
    const { es } = await import('../i18n/es');
    const { en } = await import('../i18n/en');
    const source = (await import('./rules-draft.ts?raw')).default as string;
    const keys = new Set([...source.matchAll(/(?:key: |fail\()'(\w+)'/g)].map((match) => match[1]!));
    keys.add('other');
    expect(keys.size).toBeGreaterThan(10);
    for (const key of keys) {
      expect(es.rules.errors, key).toHaveProperty(key);
      expect(en.rules.errors, key).toHaveProperty(key);
    }
  });
});
