// The argument check of every app API channel, used by the service (main/host) on what arrives.
// A channel missing here fails to compile: the map is typed by AppApi.
import { jsonCheck, type JsonCheck } from '../sync/json-check';
import { PASSWORD_MAX_LENGTH } from '../sync/auth-protocol';
import type { AppApi, AppArg, AppChannel } from './index';
import { SCREEN_LOG_SCHEMA } from './screen-log';

const nothing = { type: 'object', additionalProperties: false, description: 'an empty object {}' } as const;
const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'an e-mail address' } as const;

const id = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', description: 'an id' } as const;
const byId = { type: 'object', additionalProperties: false, required: ['id'], description: 'an object {id}', properties: { id } } as const;
const host = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]_-]+$', description: 'a server name or address' } as const;
const port = { type: 'integer', minimum: 1, maximum: 65535, description: 'a port from 1 to 65535' } as const;
const security = { enum: ['tls', 'starttls', 'none'], description: "'tls', 'starttls' or 'none'" } as const;
const secret = { type: 'string', minLength: 1, maxLength: 1024, writeOnly: true, description: 'a password' } as const;
const mailAccountForm = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'address', 'host', 'port', 'security', 'user', 'defaultDepartmentId', 'smtp'],
  writeOnly: true,
  description: 'an object {id?, name, address, host, port, security, user, password?, folder?, defaultDepartmentId, enabled?, smtp}',
  properties: {
    id,
    name: { type: 'string', maxLength: 200, description: 'a name of at most 200 characters' },
    address: email,
    host,
    port,
    security,
    user: { type: 'string', minLength: 1, maxLength: 320, description: 'a user name' },
    password: secret,
    folder: { type: 'string', minLength: 1, maxLength: 500, description: 'a folder name' },
    defaultDepartmentId: { type: 'string', maxLength: 40, description: "a department id, or '' for the intake queue" },
    enabled: { type: 'boolean', description: 'true or false' },
    smtp: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port', 'security', 'user'],
      description: 'an object {host, port, security, user, password?}',
      properties: { host, port, security, user: { type: 'string', maxLength: 320, description: "a user name, or '' for none" }, password: secret },
    },
  },
} as const;

function check<K extends AppChannel>(channel: K, schema: object): JsonCheck<AppArg<K>> {
  return jsonCheck<AppArg<K>>(schema, channel);
}

export const APP_ARG_CHECKS: { [K in AppChannel]: JsonCheck<AppArg<K>> } = {
  'session:get': check('session:get', nothing),
  'session:sign-in': check('session:sign-in', {
    type: 'object',
    additionalProperties: false,
    required: ['serverUrl', 'email', 'password'],
    writeOnly: true,
    description: 'an object {serverUrl, email, password}',
    properties: {
      serverUrl: { type: 'string', minLength: 1, maxLength: 2048, description: 'a server address of 1 to 2048 characters' },
      email,
      password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true, description: 'a password' },
    },
  }),
  'session:work-locally': check('session:work-locally', {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'email'],
    description: 'an object {name, email}',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', description: 'a name of 1 to 200 characters' },
      email,
    },
  }),
  'session:sign-out': check('session:sign-out', nothing),
  'sync:status': check('sync:status', nothing),
  'sync:retry-now': check('sync:retry-now', nothing),
  'search:tickets': check('search:tickets', {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    description: 'an object {text, limit?}',
    properties: {
      text: { type: 'string', maxLength: 500, description: 'a text of at most 500 characters' },
      limit: { type: 'integer', minimum: 1, maximum: 500, description: 'a whole number from 1 to 500' },
    },
  }),
  'search:status': check('search:status', nothing),
  'citizens:by-contact': check('citizens:by-contact', {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'value'],
    description: 'an object {kind, value}',
    properties: {
      kind: { enum: ['phone', 'email'], description: "'phone' or 'email'" },
      value: { type: 'string', minLength: 1, maxLength: 254, description: 'a phone in E.164 or a lower-case address' },
    },
  }),
  'presence:announce': check('presence:announce', {
    type: 'object',
    additionalProperties: false,
    required: ['ticketId', 'activity'],
    description: 'an object {ticketId, activity}',
    properties: {
      ticketId: { type: ['string', 'null'], maxLength: 40, description: 'a ticket id or null' },
      activity: { enum: ['viewing', 'replying'], description: "'viewing' or 'replying'" },
    },
  }),
  'settings:get': check('settings:get', nothing),
  'settings:set': check('settings:set', {
    type: 'object',
    additionalProperties: false,
    description: 'an object {language?, councilName?}',
    properties: {
      language: { enum: ['es', 'en'], description: "'es' or 'en'" },
      councilName: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', description: 'a name of 1 to 200 characters' },
    },
  }),
  'mail:accounts': check('mail:accounts', nothing),
  'mail:save-account': check('mail:save-account', mailAccountForm),
  'mail:remove-account': check('mail:remove-account', byId),
  'mail:test-account': check('mail:test-account', mailAccountForm),
  'mail:sync-now': check('mail:sync-now', {
    type: 'object',
    additionalProperties: false,
    description: 'an object {accountId?}',
    properties: { accountId: id },
  }),
  'mail:status': check('mail:status', nothing),
  'mail:quarantine': check('mail:quarantine', {
    type: 'object',
    additionalProperties: false,
    description: 'an object {limit?}',
    properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'a whole number from 1 to 1000' } },
  }),
  'mail:quarantine-retry': check('mail:quarantine-retry', {
    type: 'object',
    additionalProperties: false,
    required: ['spoolId'],
    description: 'an object {spoolId}',
    properties: { spoolId: { type: 'integer', minimum: 1, description: 'a spool entry number' } },
  }),
  'mail:outbox-retry': check('mail:outbox-retry', byId),
  'mail:outbox-send-now': check('mail:outbox-send-now', nothing),
  'log:write': check('log:write', SCREEN_LOG_SCHEMA),
};

export function isAppChannel(channel: string): channel is AppChannel {
  return Object.hasOwn(APP_ARG_CHECKS, channel);
}

/** The handlers of the app API as the service implements them: each may be async. */
export type AppHandlers = { [K in AppChannel]: (arg: AppArg<K>) => Promise<ReturnType<AppApi[K]>> | ReturnType<AppApi[K]> };
