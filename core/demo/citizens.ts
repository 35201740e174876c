/**
 * One citizen of the demo council: a resident with a DNI (most), a foreign resident with a NIE or
 * a passport, or an organisation with a CIF (a residents' association, a company, a community of
 * owners), with the contact details people really leave — some no mail, some no phone, some two.
 * Also the view of them that threads.ts writes messages with (given name, gender, first address).
 */
import type { Citizen } from '../schemas';
import {
  MUNICIPALITY,
  POSTAL_CODES,
  PROVINCE,
  cif,
  dni,
  foreignPerson,
  fullName,
  mailLocal,
  nameKeyOf,
  nie,
  organisation,
  passportNumber,
  personName,
  personalEmail,
  phoneNumber,
  streetAddress,
  type Gender,
} from './people';
import { uuidv7, type Random } from './random';
import type { ThreadCitizen } from './threads';

const OTHER_TOWNS = [['Madrid', '28045', 'Madrid'], ['Alcalá de Henares', '28801', 'Madrid'], ['Getafe', '28901', 'Madrid'], ['Toledo', '45001', 'Toledo'], ['Guadalajara', '19001', 'Guadalajara']] as const;

export type CitizenBuilt = { doc: Citizen; view: ThreadCitizen };

/** The citizen drawn from `random`, registered at `createdAt` and maybe updated since, up to `now`. */
export function buildCitizen(random: Random, createdAt: number, now: number): CitizenBuilt {
  const updatedAt = random.chance(0.3) ? createdAt + Math.floor(random.next() * (now - createdAt)) : createdAt;
  const birthYear = random.between(1938, 2006);
  const local = random.chance(0.85);
  const town = random.pick(OTHER_TOWNS);
  const line1 = streetAddress(random);
  const address = local
    ? { line1, postalCode: random.pick(POSTAL_CODES), municipality: MUNICIPALITY, province: PROVINCE }
    : { line1, postalCode: town[1], municipality: town[0], province: town[2] };
  const kind = random.next();
  let name: string;
  let given: string;
  let gender: Gender;
  let nameKey: string;
  let language = 'es';
  let document: Pick<Citizen, 'documentType' | 'documentNumber'> = { documentNumber: '' };
  let emails: string[] = [];
  if (kind < 0.05) {
    const org = organisation(random);
    name = given = org.name;
    gender = /^(Comunidad|Asociación|AMPA|Peña|Distribuciones)/.test(org.name) ? 'female' : 'male';
    nameKey = nameKeyOf(org.name);
    document = { documentType: 'cif', documentNumber: cif(random, org.cifLetter) };
    if (random.chance(0.9)) emails = [`${org.mailLocal}@${mailLocal(org.name).slice(0, 20)}.example`];
  } else {
    const foreign = kind < 0.09 ? foreignPerson(random) : undefined;
    const person = foreign ?? personName(random);
    name = fullName(person);
    given = person.given;
    gender = person.gender;
    nameKey = nameKeyOf(`${person.surnames} ${person.given}`);
    if (foreign) {
      language = foreign.language;
      document = foreign.document === 'nie' ? { documentType: 'nie', documentNumber: nie(random) } : { documentType: 'passport', documentNumber: passportNumber(random) };
    } else if (random.chance(0.85)) {
      document = { documentType: 'dni', documentNumber: dni(random) };
    }
    if (random.chance(0.75)) emails = [personalEmail(random, person, birthYear)];
    if (emails.length > 0 && random.chance(0.08)) emails.push(personalEmail(random, person, birthYear + 1));
  }
  emails = [...new Set(emails)];
  const phones = random.chance(0.88) ? [phoneNumber(random)] : [];
  if (phones.length > 0 && random.chance(0.15)) phones.push(phoneNumber(random));
  const doc: Citizen = {
    id: uuidv7(random, createdAt),
    name,
    nameKey,
    ...document,
    emails,
    phones: [...new Set(phones)],
    ...(random.chance(0.92) ? { address } : {}),
    preferredLanguage: language,
    createdAt,
    updatedAt,
  };
  const view: ThreadCitizen = {
    id: doc.id,
    name,
    given,
    gender,
    ...(emails[0] ? { email: emails[0] } : {}),
    ...(phones[0] ? { phone: phones[0] } : {}),
    ...(doc.address ? { address: local ? doc.address.line1 : `${doc.address.line1}, ${doc.address.municipality}` } : {}),
    documentNumber: doc.documentNumber,
  };
  return { doc, view };
}
