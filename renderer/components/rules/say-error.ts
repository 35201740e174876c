// A draft's problem (renderer/data/rules-draft.ts) in the clerk's language.
import type { TFunction } from 'i18next';
import type { DraftError } from '../../data/rules-draft';

/** Every value any `rules.errors.*` message interpolates, blank unless the error gives it. */
const NO_VALUES = { message: '', item: '', max: '', id: '', name: '' };

export function sayError(t: TFunction, error: DraftError): string {
  // The key is one of `rules.errors.*`, checked by rules-draft.test.ts's list of keys.
  return t(`rules.errors.${error.key}` as 'rules.errors.other', { ...NO_VALUES, ...error.values });
}
