// The screens' lines in the workstation service's log (`log:write`): what a screen could not do
// (a department without a usable calendar, a due date not moved), and its uncaught errors. The
// screens have no log of their own that IT can read — the browser console is gone when the window
// closes — so they hand their lines to the service, which writes them with its own and limits
// how many it takes (main/service/service-log.ts): a broken screen in a loop must not fill the disk.
// Plain data only here: the renderer imports the limits, the service's ajv check imports the schema.

export type ScreenLogLevel = 'error' | 'warn' | 'info';

/** One line from a screen. */
export type ScreenLogEntry = {
  level: ScreenLogLevel;
  /** Where it comes from: a screen or module name (`Inbox`, `deadlines`, `window`). */
  source: string;
  message: string;
  /** The error's stack, when there is one. */
  stack?: string;
  /** The screen's route when it happened (`#/ticket/…`), to find the screen again. */
  route?: string;
  /** How many times the screen saw this same line since it last sent it (it folds repeats). */
  repeated?: number;
};

/** The longest fields the service accepts; the screens cut theirs to fit before sending. */
export const SCREEN_LOG_LIMITS = { source: 64, message: 2_000, stack: 8_000, route: 300, repeated: 1_000_000 } as const;

/** The argument's JSON schema (checked by the service, core/app-api/checks.ts). */
export const SCREEN_LOG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['level', 'source', 'message'],
  description: 'an object {level, source, message, stack?, route?, repeated?}',
  properties: {
    level: { enum: ['error', 'warn', 'info'], description: "'error', 'warn' or 'info'" },
    source: { type: 'string', minLength: 1, maxLength: SCREEN_LOG_LIMITS.source, description: `a name of 1 to ${SCREEN_LOG_LIMITS.source} characters` },
    message: { type: 'string', minLength: 1, maxLength: SCREEN_LOG_LIMITS.message, description: `a text of 1 to ${SCREEN_LOG_LIMITS.message} characters` },
    stack: { type: 'string', maxLength: SCREEN_LOG_LIMITS.stack, description: `a text of at most ${SCREEN_LOG_LIMITS.stack} characters` },
    route: { type: 'string', maxLength: SCREEN_LOG_LIMITS.route, description: `a text of at most ${SCREEN_LOG_LIMITS.route} characters` },
    repeated: { type: 'integer', minimum: 1, maximum: SCREEN_LOG_LIMITS.repeated, description: 'a whole number of at least 1' },
  },
} as const;

/** The service's answer: whether the line was written, or dropped by the rate limit. */
export type ScreenLogAnswer = { logged: boolean };
