// The service's check of every message the screens send (protocol.ts): the envelope's shape with
// ajv. In a module of its own: the screens import protocol.ts, and ajv (~250 KB of source) has no
// business in their bundle.
import { jsonCheck, type JsonCheck } from '../sync/json-check';
import { MAX_MESSAGE_BYTES, type ClientMessage } from './protocol';

const channelNumber = { type: 'integer', minimum: 0, maximum: 2 ** 31, description: 'a channel number' } as const;

const clientMessageSchema = {
  description: 'a message {t, …}',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['t', 'id', 'channel', 'arg'],
      properties: {
        t: { const: 'call' },
        id: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'a call number' },
        channel: { type: 'string', minLength: 1, maxLength: 64, description: 'an app API channel' },
        arg: { description: 'the argument' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['t', 'channel'],
      properties: { t: { enum: ['storage-open', 'storage-close'] }, channel: channelNumber },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['t', 'channel', 'message'],
      properties: {
        t: { const: 'storage' },
        channel: channelNumber,
        message: {
          type: 'object',
          required: ['connectionId', 'requestId', 'method', 'version', 'params'],
          additionalProperties: false,
          description: 'a remote-storage request',
          properties: {
            connectionId: { type: 'string', minLength: 1, maxLength: 200, description: 'a connection id' },
            requestId: { type: 'string', minLength: 1, maxLength: 200, description: 'a request id' },
            method: { type: 'string', minLength: 1, maxLength: 64, description: 'a storage method' },
            version: { type: 'string', maxLength: 32, description: 'an RxDB version' },
            params: { description: 'the parameters' },
          },
        },
      },
    },
  ],
} as const;

const checkEnvelope: JsonCheck<ClientMessage> = jsonCheck<ClientMessage>(clientMessageSchema, 'message');

/** Checks a message the screens sent, given as the JSON text that arrived. */
export function checkClientMessage(text: string): ReturnType<JsonCheck<ClientMessage>> {
  if (text.length > MAX_MESSAGE_BYTES) return { ok: false, error: { code: 'payload_too_large', message: `a message of ${text.length} characters is over the limit of ${MAX_MESSAGE_BYTES}` } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: 'bad_request', message: 'a message that is not JSON' } };
  }
  return checkEnvelope(value);
}
