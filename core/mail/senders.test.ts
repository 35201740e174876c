import { citizenFromSender, mailAddress, nameKeyOf, normalizeAddress } from './senders';

describe('senders', () => {
  it('are known by their address in lower case, without brackets or mailto', () => {
    expect(normalizeAddress(' <Ana.Ruiz@Correo.ES> ')).toBe('ana.ruiz@correo.es');
    expect(normalizeAddress('mailto:ana@x.es')).toBe('ana@x.es');
    expect(normalizeAddress('no es una dirección')).toBeUndefined();
    expect(normalizeAddress('')).toBeUndefined();
  });

  it('keep a display name only when it says more than the address', () => {
    expect(mailAddress('Ana@X.es', ' "Ana Ruiz" ')).toEqual({ address: 'ana@x.es', name: 'Ana Ruiz' });
    expect(mailAddress('ana@x.es', 'ANA@x.es')).toEqual({ address: 'ana@x.es' });
    expect(mailAddress('roto', 'Ana')).toBeUndefined();
  });

  it('become a Spanish-speaking citizen named as they sign, created at the time of their mail', () => {
    const citizen = citizenFromSender('c1', { address: 'jose.pena@x.es', name: 'José Peña' }, 1_700_000_000_000);
    expect(citizen).toMatchObject({ id: 'c1', name: 'José Peña', nameKey: 'jose pena', emails: ['jose.pena@x.es'], documentNumber: '', preferredLanguage: 'es', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 });
    expect(citizenFromSender('c2', { address: 'vecino@x.es' }, 1).name).toBe('vecino');
  });

  it('are looked up by a folded name', () => {
    expect(nameKeyOf('  María-José  GARCÍA ')).toBe('maria jose garcia');
  });
});
