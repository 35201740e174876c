// The folded lookup key of citizens.nameKey (docs/schemas.md#citizens): lower case, accents and
// 'ñ' folded, only letters, digits and single spaces. Surnames go first when the clerk typed them
// apart, so a prefix search by first surname finds the card.
import { foldSpanish } from '../text/spanish-search';

export const NAME_KEY_MAX = 128;

export function nameKey(text: string): string {
  return foldSpanish(text).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, NAME_KEY_MAX);
}

/** The key of a person typed as given name(s) and surnames: 'García López María José'. */
export function personNameKey(given: string, surnames: string): string {
  return nameKey(`${surnames} ${given}`);
}
