// rules, version 0 → 1: the `citizen` condition. Released with version 1: never edit this file;
// a later version adds rules-2.ts (docs/schemas.md, Schema versions and migrations).
import type { Rule } from '../rules';

/** Version 1 only added a kind of condition: every version-0 rule is a valid version-1 rule, as it is. */
export function rulesToVersion1(rule: Rule): Rule {
  return rule;
}
