/**
 * What a clerk types in the search box, turned into an SQLite FTS5 query that finds Spanish words
 * however they are written: without accents ("tramite" finds "trámite"), in any case, singular or
 * plural, masculine or feminine ("licencias" finds "licencia", "solicitudes" finds "solicitud").
 *
 * The index folds case and accents itself (FTS5 unicode61 with remove_diacritics 2); here we fold
 * the query the same way and reduce each word to a light stem matched as a prefix. Light on
 * purpose: a full Snowball stemmer conflates too much for names and streets, which are half of
 * what clerks search for. Words in double quotes are matched exactly, as a phrase.
 */

/** Lower case, accents and diacritics removed ("Peña" → "pena"), as FTS5's remove_diacritics 2 does. */
export function foldSpanish(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, folded. */
export function spanishWords(text: string): string[] {
  return foldSpanish(text).match(WORD) ?? [];
}

/**
 * A light Spanish stem: plural and gender endings off, so that the stem, used as a prefix, finds
 * every form. Words of four letters or fewer, and numbers, stay whole.
 */
export function stemSpanish(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ces')) stem = stem.slice(0, -3) + 'z'; // luces → luz, veces → vez
  else if (/[^aeiou]es$/.test(stem) && stem.length > 5) stem = stem.slice(0, -2); // solicitudes → solicitud
  else if (stem.endsWith('s')) stem = stem.slice(0, -1); // licencias → licencia
  if (/[aoe]$/.test(stem) && stem.length > 4) stem = stem.slice(0, -1); // licencia → licenci
  return stem;
}

export type ParsedSearch = {
  /** The FTS5 MATCH expression, or '' when the input has nothing to search for. */
  match: string;
  /** Folded words and phrases, for highlighting. */
  terms: string[];
};

/**
 * Every word must appear (AND); "quoted phrases" as written (accents and case still folded);
 * other words by their stem as a prefix. Nothing the user types reaches FTS5's syntax unquoted.
 */
export function parseSearch(input: string): ParsedSearch {
  const parts: string[] = [];
  const terms: string[] = [];
  const phrase = /"([^"]*)"/g;
  let rest = input;
  for (const [, inner] of input.matchAll(phrase)) {
    const words = spanishWords(inner ?? '');
    if (words.length > 0) {
      parts.push(`"${words.join(' ')}"`);
      terms.push(words.join(' '));
    }
  }
  rest = rest.replace(phrase, ' ');
  for (const word of spanishWords(rest)) {
    const stem = stemSpanish(word);
    parts.push(`"${stem}"*`);
    terms.push(stem);
  }
  return { match: parts.join(' AND '), terms };
}
