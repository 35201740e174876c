// A canned answer, in one language, for one department or for the whole council.
import type { RxJsonSchema } from 'rxdb';
import { idProperty, labelListProperty, languageProperty, refProperty, timestampProperty, type Timestamp } from './fields';

/** A link to the council's official site or e-office (sede electrónica). */
export type TemplateLink = { label: string; url: string };

export type Template = {
  id: string;
  /**
   * Names the answer across its languages: the 'es' and 'en' documents of one answer share
   * it ('acuse-recibo'). Rules refer to a template by key; the citizen's preferred language
   * picks the document.
   */
  key: string;
  /** departments.id whose clerks use it; absent: every department. */
  departmentId?: string;
  language: string;
  /** What clerks see in the picker. */
  title: string;
  /**
   * The text, with variables in double braces: 'Su referencia es {{ticket.reference}}'.
   * The variables and their rendering belong to core's templates module.
   */
  body: string;
  links: TemplateLink[];
  /**
   * Words citizens use for what the template answers ('empadronarme', 'volante'), beside its
   * title and body, for suggesting it while a clerk reads a ticket (core/templates/suggest.ts).
   */
  keywords?: string[];
  active: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

export const templateSchema: RxJsonSchema<Template> = {
  title: 'templates',
  description: 'A canned answer with variables and official links, per department and language.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    key: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    departmentId: refProperty,
    language: languageProperty,
    title: { type: 'string', minLength: 1, maxLength: 256 },
    body: { type: 'string', maxLength: 100_000 },
    links: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          label: { type: 'string', minLength: 1, maxLength: 256 },
          // Only web links: these end up in mail to citizens (no javascript:, no file:).
          url: { type: 'string', maxLength: 2048, pattern: '^https?://[^\\s]+$' },
        },
        required: ['label', 'url'],
      },
    },
    keywords: labelListProperty,
    active: { type: 'boolean' },
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: ['id', 'key', 'language', 'title', 'body', 'links', 'active', 'createdAt', 'updatedAt'],
  // A few hundred documents, filtered in memory: no index beyond RxDB's own.
};
