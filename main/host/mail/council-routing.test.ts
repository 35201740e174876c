// The council's rules route new mail with the citizen the sender became or joined: a new
// sender is a first contact; a company a clerk registered earlier is known, and has its CIF.
// Against Dovecot, through the mail channel's ingestion (main/mail).
import { newId } from '../../../core/ids';
import type { Rule, Ticket } from '../../../core/schemas';
import { ingested, useDovecot } from '../../mail/test-support/mail-fixture';
import { compileSnapshot, routeMail, type CouncilSnapshot } from './council-routing';

const bed = useDovecot();
const T0 = Date.UTC(2025, 0, 1);

function tagRule(id: string, condition: Rule['conditions'][number], tag: string): Rule {
  return { id, name: id, order: 10, enabled: true, match: 'all', conditions: [condition], actions: [{ type: 'add_tags', tags: [tag] }], createdAt: T0, updatedAt: T0 };
}

const snapshot: CouncilSnapshot = compileSnapshot({
  rules: [
    tagRule('r-primero', { type: 'citizen', attribute: 'contact', values: ['first_contact'] }, 'primer-contacto'),
    tagRule('r-empresa', { type: 'citizen', attribute: 'document_type', values: ['cif'] }, 'empresa'),
    tagRule('r-catalan', { type: 'citizen', attribute: 'preferred_language', values: ['ca'] }, 'catala'),
  ],
  departments: [],
  calendars: [],
  templates: [],
  users: [],
});

function mail(from: string, messageId: string, subject: string): string {
  return `From: ${from}\r\nTo: registro@ayto.test\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\n\r\n${subject}.\r\n`;
}

describe('routing new mail on its citizen', () => {
  it('sees a new sender as a first contact, and a company on record by its CIF and language', async () => {
    const workstation = await bed.startWorkstation({ route: (account) => (draft) => routeMail(snapshot, account, draft) });
    try {
      const company = newId();
      await workstation.local.db.citizens.insert({
        id: company,
        name: 'Construcciones Prado SL',
        nameKey: 'construcciones prado sl',
        documentType: 'cif',
        documentNumber: 'B12345674',
        emails: ['obras@construcciones-prado.test'],
        phones: [],
        preferredLanguage: 'ca',
        createdAt: T0,
        updatedAt: T0,
      });
      await bed.dovecot.append([
        mail('Vecina Nueva <nueva@correo.test>', 'nueva@correo.test', 'Farola fundida'),
        mail('Obras <obras@construcciones-prado.test>', 'obra@construcciones-prado.test', 'Licencia de obra mayor'),
      ]);
      await ingested(workstation.mail, 2);
      const tickets = (await workstation.local.db.tickets.find().exec()).map((document) => document.toJSON() as Ticket);
      const bySubject = new Map(tickets.map((ticket) => [ticket.subject, ticket]));
      expect(bySubject.get('Farola fundida')?.tags).toEqual(['primer-contacto']);
      // Rules of the same order apply by id: r-catalan, then r-empresa.
      expect(bySubject.get('Licencia de obra mayor')).toMatchObject({ citizenId: company, tags: ['catala', 'empresa'] });
    } finally {
      await workstation.close();
    }
  });
});
