// A user of Ventanilla: a clerk, a supervisor or an administrator.
// Written by administrators on the server; workstations only pull them. Credentials (the
// password hash, tokens) are the server's alone and are never part of this document.
import type { RxJsonSchema } from 'rxdb';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  labelListProperty,
  languageProperty,
  refListProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const USER_ROLES = ['clerk', 'supervisor', 'admin'] as const;
/**
 * - `clerk`: serves citizens in the queues of their departments;
 * - `supervisor`: also reassigns, and edits templates and rules of their departments;
 * - `admin`: manages users, departments, calendars and mailboxes.
 */
export type UserRole = (typeof USER_ROLES)[number];

export type User = {
  id: string;
  name: string;
  /** Work address, lower case; also the sign-in name. */
  email: string;
  role: UserRole;
  /** Departments whose queues they serve (and, for a supervisor, supervise). */
  departmentIds: string[];
  /** What they know about, matched by the `skill` assignment mode: 'licencias', 'padrón'. */
  skills: string[];
  /** Language of the screens. */
  language: string;
  /** False: the account is disabled; kept for the history of their tickets. */
  active: boolean;
  /** True: on leave or away; automatic assignment skips them. */
  away: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

export const userSchema: RxJsonSchema<User> = {
  title: 'users',
  description: 'A clerk, supervisor or administrator, without any credential.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    email: emailAddressProperty,
    role: enumProperty(USER_ROLES),
    departmentIds: refListProperty,
    skills: labelListProperty,
    language: languageProperty,
    active: { type: 'boolean' },
    away: { type: 'boolean' },
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: [
    'id',
    'name',
    'email',
    'role',
    'departmentIds',
    'skills',
    'language',
    'active',
    'away',
    'createdAt',
    'updatedAt',
  ],
  // Few documents, all loaded at start: no index beyond RxDB's own.
};
