// The collections of a council's RxDatabase, one schema each, for
// `db.addCollections(collections)` on the workstation, in the screens and on the server.
// Conventions and indexes: docs/schemas.md.
import type { RxCollection, RxJsonSchema } from 'rxdb';
import { calendarSchema, type Calendar } from './calendars';
import { citizenSchema, type Citizen } from './citizens';
import { departmentSchema, type Department } from './departments';
import { messageSchema, type Message } from './messages';
import { ruleMigrationStrategies, ruleSchema, type Rule } from './rules';
import { templateSchema, type Template } from './templates';
import { ticketSchema, type Ticket } from './tickets';
import { userSchema, type User } from './users';

export * from './fields';
export * from './tickets';
export * from './messages';
export * from './citizens';
export * from './departments';
export * from './users';
export * from './templates';
export * from './rules';
export * from './calendars';

/** The document type stored in each collection. */
export type CollectionDocTypes = {
  tickets: Ticket;
  messages: Message;
  citizens: Citizen;
  departments: Department;
  users: User;
  templates: Template;
  rules: Rule;
  calendars: Calendar;
};

export type CollectionName = keyof CollectionDocTypes;

/**
 * Every collection with its schema. RxDB open-core opens at most 13 collections per process
 * (docs/schemas.md), so a new one is a decision, not a habit.
 *
 * A schema past version 0 carries its migration strategies, and `autoMigrate: false`: only the
 * workstation service, which owns the database file, migrates it, before any screen connects
 * (main/store/schema-migrations.ts); the screens, the server and the tests open collections
 * without RxDB's migration plugin (docs/schemas.md, Changing a schema).
 */
export const collections = {
  tickets: { schema: ticketSchema },
  messages: { schema: messageSchema },
  citizens: { schema: citizenSchema },
  departments: { schema: departmentSchema },
  users: { schema: userSchema },
  templates: { schema: templateSchema },
  rules: { schema: ruleSchema, migrationStrategies: ruleMigrationStrategies, autoMigrate: false },
  calendars: { schema: calendarSchema },
} as const satisfies {
  [N in CollectionName]: { schema: RxJsonSchema<CollectionDocTypes[N]>; migrationStrategies?: Record<number, (document: CollectionDocTypes[N]) => CollectionDocTypes[N] | null>; autoMigrate?: boolean };
};

export const COLLECTION_NAMES = Object.keys(collections) as CollectionName[];

/** The collections of the database, typed, for `RxDatabase<Collections>`. */
export type Collections = { [N in CollectionName]: RxCollection<CollectionDocTypes[N]> };
