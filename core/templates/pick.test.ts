import { describe, expect, it } from 'vitest';
import type { Template } from '../schemas';
import { availableTemplates, pickTemplate } from './pick';

const T0 = Date.UTC(2025, 0, 1);
const doc = (id: string, overrides: Partial<Template> = {}): Template => ({ id, key: 'acuse-recibo', language: 'es', title: id, body: id, links: [], active: true, createdAt: T0, updatedAt: T0, ...overrides });

const templates = [
  doc('council-es'),
  doc('council-en', { language: 'en' }),
  doc('urb-es', { departmentId: 'urbanismo' }),
  doc('urb-ca', { departmentId: 'urbanismo', language: 'ca' }),
  doc('hac-en', { departmentId: 'hacienda', language: 'en' }),
  doc('council-gl-old', { language: 'gl', active: false }),
];
const pick = (departmentId: string | undefined, language: string) => pickTemplate(templates, 'acuse-recibo', { ...(departmentId ? { departmentId } : {}), language })?.id;

describe('picking the template for a department and language', () => {
  it('prefers the department\'s own document in the citizen\'s language', () => {
    expect(pick('urbanismo', 'es')).toBe('urb-es');
    expect(pick('urbanismo', 'ca')).toBe('urb-ca');
    expect(pick('hacienda', 'en')).toBe('hac-en');
  });

  it('falls back to the council-wide document in the citizen\'s language before the department\'s Spanish one', () => {
    expect(pick('urbanismo', 'en')).toBe('council-en');
  });

  it('uses the base language of a regional variant, then Spanish', () => {
    expect(pick('urbanismo', 'ca-ES-valencia')).toBe('urb-ca');
    expect(pick('urbanismo', 'eu')).toBe('urb-es');
    expect(pick(undefined, 'fr')).toBe('council-es');
  });

  it('never gives another department\'s template, nor an inactive one', () => {
    expect(pick('padron', 'en')).toBe('council-en');
    expect(pick('padron', 'gl')).toBe('council-es');
    expect(pickTemplate(templates, 'no-existe', { language: 'es' })).toBeUndefined();
  });

  it('settles two documents in the same place by the last update, then the id', () => {
    const twins = [doc('b', { updatedAt: T0 + 1 }), doc('a'), doc('c', { updatedAt: T0 + 1 })];
    expect(pickTemplate(twins, 'acuse-recibo', { language: 'es' })?.id).toBe('b');
  });

  it('lists one document per key for the picker', () => {
    const list = availableTemplates([...templates, doc('cita', { key: 'cita-previa' })], { departmentId: 'urbanismo', language: 'en' });
    expect(list.map((t) => t.id)).toEqual(['council-en', 'cita']);
  });
});
