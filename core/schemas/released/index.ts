// The schemas of collections as they were released, before a later version changed them, frozen:
// what an older workstation has on disk and validates with. Never edit a file here; a new version
// of a collection adds one (docs/schemas.md, Schema versions and migrations). Used by the
// migration tests and by the tests that keep every change additive.
import type { RxJsonSchema } from 'rxdb';
import type { Rule } from '../rules';
import rules0 from './rules-0.json';

/** `rules` version 0 (the first release): the seven kinds of condition before `citizen`. */
export const RULES_SCHEMA_V0 = rules0 as unknown as RxJsonSchema<Rule>;
