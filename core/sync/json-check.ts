// Checks of JSON that crosses the network, with ajv (the validator RxDB itself uses, so the
// server and the workstation read the same JSON schemas the same way), answering a `Result`
// whose message a person can act on: "query.limit must be a whole number of documents from 1
// to 1000, got "-5"", not "must match pattern".
//
// ajv compiles each schema into a function with `new Function`, which a strict CSP (the
// screens') forbids: compilation happens on first use, so importing this module anywhere is
// safe, and only the server and the workstation service call the checks.
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fail, ok, type ApiErrorCode, type Result } from './api-result';

let sharedAjv: Ajv | undefined;

/**
 * One ajv for every check: strict, as RxDB's `validate-ajv` plugin, knowing RxDB's own schema
 * keywords and formats (`date` in calendars) so that collection schemas compile unchanged. `verbose` keeps the failing schema and
 * value in each error, for the messages; one error is enough to say what is wrong, and stopping
 * at the first keeps a hostile body cheap to refuse. Union types (`['object', 'null']`) are
 * allowed for the checkpoint, which is null before the first document.
 */
function ajv(): Ajv {
  if (sharedAjv === undefined) {
    sharedAjv = new Ajv({ strict: true, allowUnionTypes: true, verbose: true, allErrors: false });
    for (const keyword of ['version', 'keyCompression', 'primaryKey', 'indexes', 'encrypted', 'final', 'sharding', 'internalIndexes', 'attachments', 'ref', 'crdt']) {
      sharedAjv.addKeyword(keyword);
    }
    addFormats(sharedAjv);
  }
  return sharedAjv;
}

/** A check of untrusted JSON: the value, typed, or an error saying what is wrong and where. */
export type JsonCheck<T> = (value: unknown) => Result<T>;

export type JsonCheckOptions = {
  /** The error code of a failure; `bad_request` unless said otherwise. */
  code?: ApiErrorCode;
  /**
   * True (the default) for the protocol's own schemas, whose `description`s are written to
   * complete "must be …" ("a whole number from 1 to 1000"); false for schemas written for
   * people (the collection schemas), whose descriptions are sentences.
   */
  mustBeDescriptions?: boolean;
};

/** A check against a JSON schema. `label` names the checked thing in messages ('query', 'push'). */
export function jsonCheck<T>(schema: SchemaObject, label: string, options: JsonCheckOptions = {}): JsonCheck<T> {
  const { code = 'bad_request', mustBeDescriptions = true } = options;
  let validate: ValidateFunction | undefined;
  return (value) => {
    validate ??= ajv().compile(schema);
    if (validate(value)) return ok(value as T);
    return fail(code, describeError(label, validate.errors?.[0], mustBeDescriptions));
  };
}

/** `/0/newDocumentState/id` → `[0].newDocumentState.id`. */
export function jsonPath(label: string, instancePath: string): string {
  const steps = instancePath
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  return label + steps.map((step) => (/^\d+$/.test(step) ? `[${step}]` : /^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`)).join('');
}

/** A short rendering of the offending value for a message: never the whole of a 5 MB body. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeError(label: string, error: ErrorObject | undefined, mustBeDescriptions: boolean): string {
  if (error === undefined) return `${label} is not valid`;
  const where = jsonPath(label, error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${where}.${String(params.missingProperty)} is missing`;
  if (error.keyword === 'additionalProperties') {
    return `${where} has a field it does not know: ${JSON.stringify(params.additionalProperty)}`;
  }
  const node = error.parentSchema as { description?: unknown; writeOnly?: unknown } | undefined;
  // `writeOnly` (JSON Schema's annotation for what a client sends and never reads back) marks a
  // secret here: a password or a token is never repeated in a message, which may reach a log.
  const got = node?.writeOnly === true ? '' : `, got ${preview(error.data)}`;
  if (mustBeDescriptions && typeof node?.description === 'string') return `${where} must be ${node.description}${got}`;
  return `${where} ${error.message ?? 'is not valid'}${got}`;
}
