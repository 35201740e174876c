import { describe, expect, it } from 'vitest';
import type { Template } from '../schemas';
import { buildTemplateIndex, meaningfulStems, suggestTemplates } from './suggest';

const T0 = Date.UTC(2025, 0, 1);
const doc = (key: string, title: string, body: string, overrides: Partial<Template> = {}): Template => ({ id: key, key, language: 'es', title, body, links: [], active: true, createdAt: T0, updatedAt: T0, ...overrides });

const templates = [
  doc('volante-padron', 'Volante de empadronamiento', 'Estimado/a {{citizen.name}}: el volante de empadronamiento se obtiene en la sede electrónica.', { departmentId: 'padron', keywords: ['certificado de padrón', 'empadronado'] }),
  doc('obra-menor', 'Licencia de obra menor: documentación', 'Las obras menores se tramitan mediante declaración responsable con presupuesto y fotografías.', { departmentId: 'urbanismo' }),
  doc('bonificacion-ibi', 'Bonificación del IBI', 'La bonificación del IBI para familias numerosas se solicita antes del 31 de marzo.', { keywords: ['recibo', 'familia numerosa'] }),
  doc('acuse-recibo', 'Acuse de recibo', 'Hemos recibido su solicitud y le responderemos lo antes posible.'),
  doc('horario-verano', 'Horario de verano', 'Las oficinas abren de 8:30 a 13:30 en verano.', { active: false }),
];
const index = buildTemplateIndex(templates);
const keys = (subject: string, body: string, departmentId?: string) =>
  suggestTemplates(index, { subject, body }, { language: 'es', ...(departmentId ? { departmentId } : {}) }).map((s) => s.template.key);

describe('suggesting templates for a ticket', () => {
  it('ranks first the template that shares the ticket\'s rarest words, whatever their form', () => {
    expect(keys('Certificado', 'Buenos días, necesito un volante de empadronamiento para el colegio de mi hijo.', 'padron')[0]).toBe('volante-padron');
    expect(keys('Bonificaciones', 'Somos familia numerosa, ¿qué bonificación tiene el IBI?', 'hacienda')[0]).toBe('bonificacion-ibi');
  });

  it('explains a suggestion by the stems it shares, and by the words the ticket wrote them with', () => {
    const [best] = suggestTemplates(index, { subject: 'Obras en casa', body: 'Quiero hacer una obra menor en el baño' }, { language: 'es', departmentId: 'urbanismo' });
    expect(best?.template.key).toBe('obra-menor');
    expect(best?.sharedStems).toEqual(['menor', 'obra']);
    expect(best?.sharedWords).toEqual(['menor', 'obras']);
    const [padron] = suggestTemplates(index, { subject: 'PADRÓN', body: 'Estoy EMPADRONADO aquí' }, { language: 'es', departmentId: 'padron' });
    expect(padron?.sharedWords).toEqual(['empadronado', 'padrón']);
  });

  it('leaves out a suggestion far weaker than the best: one common word is not a second answer', () => {
    const weak = buildTemplateIndex([
      doc('obra-menor', 'Licencia de obra menor', 'Las obras menores se tramitan mediante declaración responsable.'),
      doc('acuse', 'Acuse de recibo', 'Le responderemos en el menor plazo posible.'),
    ]);
    const found = suggestTemplates(weak, { subject: 'Licencia de obra menor', body: 'Quiero hacer una obra menor' }, { language: 'es' });
    expect(found.map((s) => s.template.key)).toEqual(['obra-menor']);
    // The same word alone: a title weighs three times the body, a third of the best stays.
    expect(suggestTemplates(weak, { subject: 'Plazo', body: 'menor' }, { language: 'es' }).map((s) => s.template.key)).toEqual(['obra-menor', 'acuse']);
  });

  it('offers only templates of the ticket\'s department or the whole council, and never inactive ones', () => {
    expect(keys('Obra menor', 'licencia de obra menor', 'padron')).not.toContain('obra-menor');
    expect(keys('Horario de verano', 'horario de verano de las oficinas')).not.toContain('horario-verano');
  });

  it('suggests nothing for a ticket of courtesies alone', () => {
    expect(keys('Consulta', 'Hola, buenos días, quería hacer una consulta. Muchas gracias. Saludos.')).toEqual([]);
    expect(keys('Solicitud', 'Presento una solicitud.')).toEqual([]);
    expect([...meaningfulStems('Buenos días, gracias')]).toEqual([]);
  });

  it('does not count the names of variables as words of the answer', () => {
    expect(keys('', 'citizen name')).toEqual([]);
  });
});
