// The argument check of every app API channel, used by the service (main/host) on what arrives.
// A channel missing here fails to compile: the map is typed by AppApi.
import { jsonCheck, type JsonCheck } from '../sync/json-check';
import { PASSWORD_MAX_LENGTH } from '../sync/auth-protocol';
import type { AppApi, AppArg, AppChannel } from './index';

const nothing = { type: 'object', additionalProperties: false, description: 'an empty object {}' } as const;
const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'an e-mail address' } as const;

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
    description: 'an object {language?}',
    properties: { language: { enum: ['es', 'en'], description: "'es' or 'en'" } },
  }),
};

export function isAppChannel(channel: string): channel is AppChannel {
  return Object.hasOwn(APP_ARG_CHECKS, channel);
}

/** The handlers of the app API as the service implements them: each may be async. */
export type AppHandlers = { [K in AppChannel]: (arg: AppArg<K>) => Promise<ReturnType<AppApi[K]>> | ReturnType<AppApi[K]> };
