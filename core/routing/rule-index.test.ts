// Skipping rules whose words a ticket lacks must never change a decision: checked here against
// evaluating every rule, on thousands of random rules and tickets from a seeded generator.
import { describe, expect, it } from 'vitest';
import type { Rule, RuleCondition } from '../schemas';
import { compileRules, requiredKeysOf, type CompiledRules } from './rule-compiler';
import { routeTicket } from './rule-engine';
import { rule, ticket } from './test-rules';
import { mulberry32 } from '../demo/random';

const WORDS = ['licencia', 'licencias', 'obra', 'obras', 'de', 'IBI', 'recibo', 'plusvalía', 'padrón', 'volante', 'ruido', 'calle', 'calles', 'farola', 'multa', 'taller'];

function withoutIndex(compiled: CompiledRules): CompiledRules {
  return { ...compiled, rules: compiled.rules.map(({ requiredKeys: _skip, ...rest }) => rest), rulesByKey: new Map() };
}

describe('skipping rules a ticket cannot match', () => {
  it('knows which words a rule needs, and when it cannot say', () => {
    const words = (list: string[], match: 'any' | 'all' = 'any', negate = false): RuleCondition => ({ type: 'words', field: 'subject_or_body', words: list, match, ...(negate ? { negate } : {}) });
    const channel: RuleCondition = { type: 'channel', channels: ['email'] };
    expect(requiredKeysOf(rule('a', [words(['Licencias de obra', 'IBI'])], [{ type: 'stop' }]))).toEqual(['licencia', 'ibi']);
    expect(requiredKeysOf(rule('b', [channel, words(['obra', 'ibi'], 'all')], [{ type: 'stop' }]))).toEqual(['obra']);
    expect(requiredKeysOf(rule('c', [channel, words(['ibi'])], [{ type: 'stop' }], { match: 'any' }))).toBeUndefined();
    expect(requiredKeysOf(rule('d', [words(['ibi'], 'any', true)], [{ type: 'stop' }]))).toBeUndefined();
    expect(requiredKeysOf(rule('e', [words(['licenc*', 'ibi'])], [{ type: 'stop' }]))).toBeUndefined();
    expect(requiredKeysOf(rule('f', [words(['licencia de obr*'])], [{ type: 'stop' }]))).toEqual(['licencia']);
    expect(requiredKeysOf(rule('g', [], [{ type: 'stop' }]))).toBeUndefined();
  });

  it('gives the same decision as evaluating every rule (2,000 random tickets, 300 random rules)', () => {
    const random = mulberry32(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const phrase = () => (random() < 0.3 ? `${pick(WORDS)} ${pick(WORDS)}` : pick(WORDS)) + (random() < 0.1 ? '*' : '');
    const rules: Rule[] = Array.from({ length: 300 }, (_, index) => {
      const conditions: RuleCondition[] = Array.from({ length: Math.floor(random() * 3) }, () =>
        random() < 0.75
          ? { type: 'words', field: pick(['subject', 'body', 'subject_or_body'] as const), words: [phrase(), phrase()], match: random() < 0.5 ? 'any' : 'all', negate: random() < 0.15 }
          : { type: 'priority', priorities: [pick(['normal', 'high'] as const)], negate: random() < 0.3 },
      );
      return rule(`r${index}`, conditions, [
        random() < 0.5 ? { type: 'add_tags', tags: [`t${index}`] } : { type: 'set_priority', priority: pick(['normal', 'high'] as const) },
        ...(random() < 0.03 ? [{ type: 'stop' as const }] : []),
      ], { id: `r${String(index).padStart(3, '0')}`, order: Math.floor(random() * 50), match: random() < 0.7 ? 'all' : 'any' });
    });
    const indexed = compileRules(rules, { calendars: [] });
    const plain = withoutIndex(indexed);
    expect(indexed.rulesByKey.size).toBeGreaterThan(5);
    for (let i = 0; i < 2000; i++) {
      const text = () => Array.from({ length: Math.floor(random() * 8) }, () => pick(WORDS)).join(' ');
      const input = ticket({ id: `t${i}`, subject: text(), body: text(), priority: pick(['normal', 'high'] as const) });
      const decision = routeTicket(indexed, input);
      if (JSON.stringify(decision) !== JSON.stringify(routeTicket(plain, input))) expect.fail(`ticket ${i}: "${input.subject}" / "${input.body}"`);
    }
  });
});
