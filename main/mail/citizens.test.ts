// The sender of a mail becomes or joins a citizen (docs/mail.md, "Citizens"): a new sender gets
// the citizen whose id derives from the address — the same on every workstation — and later mail
// from that address finds it by that id, even before the contact index has seen it; a citizen a
// clerk made is found through the workstation's contact index, whatever the case of the address.
// Against Dovecot.
import { createHash } from 'node:crypto';
import { newId } from '../../core/ids';
import { citizenDocumentId, citizenIdentity } from '../../core/mail';
import type { Message } from '../../core/schemas';
import { ingested, plainMail, useDovecot } from './test-support/mail-fixture';

const bed = useDovecot();

const mail = (from: string, messageId: string, subject: string) => plainMail({ from, subject, messageId });

const derivedId = (address: string) => citizenDocumentId(createHash('sha256').update(citizenIdentity(address), 'utf8').digest());

describe('the citizen of a sender', () => {
  it('is made once for a new sender, and found by the next mail before any index has seen it', async () => {
    // A directory that never catches up: whatever the contact index would say, it has not heard
    // of the citizen the first mail made.
    const asked: string[] = [];
    const workstation = await bed.startWorkstation({
      citizens: {
        citizensWithEmail: (address) => {
          asked.push(address);
          return Promise.resolve([]);
        },
      },
    });
    await bed.dovecot.append([mail('Luis Gil <Luis.Gil@correo.test>', 'primero@correo.test', 'Bache en la calle Real')]);
    await ingested(workstation.mail, 1);
    expect(asked).toEqual(['luis.gil@correo.test']);
    // A later batch, from the same address in other capitals.
    await bed.dovecot.append([mail('luis.gil@CORREO.test', 'segundo@correo.test', 'Otro bache')]);
    await ingested(workstation.mail, 2);

    const citizens = (await workstation.local.db.citizens.find().exec()).map((citizen) => citizen.toJSON());
    expect(citizens.map((citizen) => ({ id: citizen.id, emails: citizen.emails }))).toEqual([{ id: derivedId('luis.gil@correo.test'), emails: ['luis.gil@correo.test'] }]);
    const messages = (await workstation.local.db.messages.find().exec()).map((message) => message.toJSON() as Message);
    expect(messages.map((message) => message.citizenId)).toEqual([citizens[0]!.id, citizens[0]!.id]);
    // The second mail did not need the directory: it found its citizen by the derived id.
    expect(asked).toEqual(['luis.gil@correo.test']);
    await workstation.close();
  });

  it('is the card a clerk made that lists the address, found through the contact index in any case', async () => {
    const workstation = await bed.startWorkstation();
    const clerkMade = newId();
    await workstation.local.db.citizens.insert({ id: clerkMade, name: 'Marta Soler', nameKey: 'soler marta', documentNumber: '', emails: ['Marta.Soler@Correo.Test'], phones: [], preferredLanguage: 'es', createdAt: 1, updatedAt: 1 });
    await bed.dovecot.append([mail('MARTA.SOLER@correo.test', 'marta@correo.test', 'Padrón')]);
    await ingested(workstation.mail, 3);
    const message = (await workstation.local.db.messages.find().exec()).find((document) => document.email?.messageId === 'marta@correo.test')!;
    expect(message.citizenId).toBe(clerkMade);
    expect(await workstation.local.db.citizens.findOne(derivedId('marta.soler@correo.test')).exec()).toBeNull();
    await workstation.close();
  });
});
