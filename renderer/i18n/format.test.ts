import { describe, expect, it } from 'vitest';
import { createI18n } from '.';
import { formatCount } from './format';

describe('counts as each language writes them', () => {
  it('groups the thousands of a five-figure count in Spanish with a dot and in English with a comma', () => {
    expect(formatCount('es', 12345)).toBe('12.345');
    expect(formatCount('en', 12345)).toBe('12,345');
  });

  it('writes the counts inside sentences the same way', () => {
    expect(createI18n('es').t('inbox.shown', { count: 12345 })).toBe('12.345 mostrados');
    expect(createI18n('en').t('inbox.searchResults', { count: 12345, text: 'vado' })).toBe('12,345 results for “vado”');
    expect(createI18n('es').t('inbox.searchResults', { count: 1, text: 'vado' })).toBe('1 resultado para «vado»');
  });

  it('agrees "vencido" with the number of overdue tickets', () => {
    const t = createI18n('es').t;
    expect(t('supervisor.escalation.counts', { count: 1, near: 0 })).toBe('1 vencido · 0 a punto de vencer');
    expect(t('supervisor.escalation.counts', { count: 3, near: 2 })).toBe('3 vencidos · 2 a punto de vencer');
  });
});
