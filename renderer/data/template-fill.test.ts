import { describe, expect, it } from 'vitest';
import { fillTemplate } from './template-fill';

describe('template filling', () => {
  it('fills the known variables and leaves the unknown ones for the clerk to see', () => {
    expect(fillTemplate('Estimado/a {{citizen.name}}: su referencia es {{ ticket.reference }}. {{plazo}}', { 'citizen.name': 'Ana Ruiz', 'ticket.reference': '2026-7KQ4-M2XD' })).toBe(
      'Estimado/a Ana Ruiz: su referencia es 2026-7KQ4-M2XD. {{plazo}}',
    );
  });
});
