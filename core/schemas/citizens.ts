// A citizen: a person or an organisation the council serves (vecino, empresa, asociación).
// Why each index exists is in docs/schemas.md#citizens.
import type { RxJsonSchema } from 'rxdb';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  languageProperty,
  phoneNumberProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const ID_DOCUMENT_TYPES = ['dni', 'nie', 'cif', 'passport', 'other'] as const;
/** DNI and NIE for people, CIF (NIF of an organisation) for companies and associations. */
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number];

/** A postal address in Spain or abroad. */
export type PostalAddress = {
  /** Street, number, floor and door: 'Calle Mayor 12, 3º B'. */
  line1: string;
  line2?: string;
  postalCode?: string;
  municipality?: string;
  province?: string;
  /** ISO 3166-1 alpha-2; absent means Spain. */
  country?: string;
};

export type Citizen = {
  id: string;
  /** The name as the citizen gives it, shown on screen: 'María José García López'. */
  name: string;
  /**
   * The name folded for lookup: lower case, accents and 'ñ' folded, single spaces, surnames
   * first when they are known ('garcia lopez maria jose'). Queried by prefix.
   */
  nameKey: string;
  /** Present exactly when `documentNumber` is not ''. */
  documentType?: IdDocumentType;
  /** Upper case, without spaces or dashes ('12345678Z', 'X1234567L'); '' when unknown. */
  documentNumber: string;
  /** Lower case; the first is the one the council writes to. */
  emails: string[];
  /** E.164; the first is the one the council calls. */
  phones: string[];
  address?: PostalAddress;
  /** The language the council answers in (templates pick their variant by it). */
  preferredLanguage: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

export const citizenSchema: RxJsonSchema<Citizen> = {
  title: 'citizens',
  description: 'A person or organisation the council serves, with identity and contact details.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    nameKey: { type: 'string', maxLength: 128 },
    documentType: enumProperty(ID_DOCUMENT_TYPES),
    documentNumber: { type: 'string', maxLength: 32, pattern: '^[A-Z0-9]*$' },
    emails: { type: 'array', maxItems: 32, uniqueItems: true, items: emailAddressProperty },
    phones: { type: 'array', maxItems: 32, uniqueItems: true, items: phoneNumberProperty },
    address: {
      type: 'object',
      additionalProperties: false,
      properties: {
        line1: { type: 'string', minLength: 1, maxLength: 256 },
        line2: { type: 'string', maxLength: 256 },
        postalCode: { type: 'string', maxLength: 16 },
        municipality: { type: 'string', maxLength: 128 },
        province: { type: 'string', maxLength: 128 },
        country: { type: 'string', pattern: '^[A-Z]{2}$' },
      },
      required: ['line1'],
    },
    preferredLanguage: languageProperty,
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: [
    'id',
    'name',
    'nameKey',
    'documentNumber',
    'emails',
    'phones',
    'preferredLanguage',
    'createdAt',
    'updatedAt',
  ],
  indexes: [
    // "¿Me dice su DNI?": the clerk finds the citizen by ID document.
    'documentNumber',
    // The clerk finds the citizen by name (prefix of the folded name).
    'nameKey',
  ],
};
