import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Template } from './templates';
import { T0, openTestDatabase, without, writeError, type TestDatabase } from './test-kit';

function acknowledgement(overrides: Partial<Template> = {}): Template {
  return {
    id: 'tpl-acuse-es',
    key: 'acuse-recibo',
    language: 'es',
    title: 'Acuse de recibo',
    body: 'Estimado/a {{citizen.name}}:\n\nHemos recibido su solicitud. Su referencia es {{ticket.reference}}.\n\nAtentamente,\n{{department.name}}',
    links: [{ label: 'Sede electrónica', url: 'https://sede.ayto-villanueva.es/' }],
    active: true,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('templates schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['templates']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores the language variants of one answer, council-wide and for one department', async () => {
    const result = await db.templates.bulkInsert([
      acknowledgement(),
      acknowledgement({
        id: 'tpl-acuse-en',
        language: 'en',
        title: 'Acknowledgement of receipt',
        body: 'Dear {{citizen.name}},\n\nWe have received your request. Your reference is {{ticket.reference}}.',
      }),
      acknowledgement({ id: 'tpl-acuse-val', language: 'ca-ES-valencia', title: 'Justificant de recepció' }),
      acknowledgement({
        id: 'tpl-licencia',
        key: 'licencia-obra-menor',
        departmentId: 'urbanismo',
        title: 'Documentación para licencia de obra menor',
        links: [
          { label: 'Modelo de solicitud', url: 'https://sede.ayto-villanueva.es/tramites/obra-menor' },
          { label: 'Ordenanza fiscal', url: 'https://www.ayto-villanueva.es/ordenanzas/icio.pdf' },
        ],
        keywords: ['obra menor', 'reforma', 'declaración responsable'],
      }),
      acknowledgement({ id: 'tpl-old', key: 'horario-verano', title: 'Horario de verano', links: [], active: false }),
    ]);
    expect(result.error).toEqual([]);
  });

  it.each([
    ['a link that runs script', { links: [{ label: 'Pulse aquí', url: 'javascript:alert(1)' }] }],
    ['a link to a local file', { links: [{ label: 'Modelo', url: 'file:///C:/modelos/solicitud.pdf' }] }],
    ['a link without a label', { links: [{ url: 'https://sede.ayto-villanueva.es/' }] }],
    ['a key with spaces', { key: 'acuse de recibo' }],
    ['a language that is not a language tag', { language: 'castellano' }],
    ['an empty title', { title: '' }],
    ['an empty keyword', { keywords: [''] }],
    ['the same keyword twice', { keywords: ['ibi', 'ibi'] }],
  ])('refuses a template with %s', async (_case, change) => {
    expect(await writeError(db.templates.insert({ ...acknowledgement(), ...change } as Template))).toBe('VD2');
  });

  it.each(['key', 'language', 'title', 'body', 'links', 'active'] as const)('refuses a template without %s', async (field) => {
    expect(await writeError(db.templates.insert(without(acknowledgement(), field) as Template))).toBe('VD2');
  });
});
