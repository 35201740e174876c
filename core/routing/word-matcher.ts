/**
 * Words and phrases of routing rules, found in a ticket's subject and body the way a clerk reads
 * them: without case or accents ("LICENCIA", "licéncia" and "licencia" are one word), singular or
 * plural ("licencias de obras" matches the phrase "licencia de obra"), whole words only ("ibi"
 * does not match "recibir"), a phrase as consecutive words. A word ending in `*` matches as a
 * prefix ("licenc*" finds "licencia" and "licenciado").
 *
 * Plurals, not stems: a rule for "recibo" should not catch "recibe" (a verb), which a stemmer
 * would fold together. Both sides go through the same folding, so a rule word written in the
 * plural matches the singular too.
 */
import { foldSpanish, spanishWords } from '../text/spanish-search';

/**
 * The singular-ish key of a folded word: a final -s and then a final -e come off (calles → calle
 * → call, and calle → call; solicitudes → solicitud), and -ces becomes -z (luces → luz). Short
 * words and numbers stay whole.
 */
export function wordKey(folded: string): string {
  if (folded.length <= 3 || /\d/.test(folded)) return folded;
  if (folded.endsWith('ces') && folded.length > 4) return folded.slice(0, -3) + 'z';
  let key = folded;
  if (key.endsWith('s') && key.length > 3) key = key.slice(0, -1);
  if (key.endsWith('e') && key.length > 3) key = key.slice(0, -1);
  return key;
}

/** A rule word or phrase ready to match: the keys of its words, the last one maybe a prefix. */
export type Phrase = {
  /** As the supervisor wrote it, for messages. */
  text: string;
  keys: string[];
  /** The last key is a folded prefix (the word ended in `*`). */
  prefix: boolean;
};

/** A phrase from a rule word, or undefined when it has no letters or digits at all. */
export function compilePhrase(text: string): Phrase | undefined {
  const trimmed = text.trim();
  const prefix = trimmed.endsWith('*');
  const words = spanishWords(prefix ? trimmed.slice(0, -1) : trimmed);
  if (words.length === 0) return undefined;
  const keys = words.map((word, index) => (prefix && index === words.length - 1 ? word : wordKey(word)));
  return { text: trimmed, keys, prefix };
}

/** A text's words as keys, built once per ticket and field. */
export class WordIndex {
  readonly keys: string[];
  /** The distinct keys: one lookup answers a single-word phrase. */
  readonly set: Set<string>;

  constructor(text: string) {
    this.keys = spanishWords(text).map(wordKey);
    this.set = new Set(this.keys);
  }

  has(phrase: Phrase): boolean {
    const { keys, prefix } = phrase;
    const single = keys.length === 1;
    if (single && !prefix) return this.set.has(keys[0]!);
    // A phrase can only start where its first word is (unless that word is the prefix itself).
    if (!single && !this.set.has(keys[0]!)) return false;
    for (let start = 0; start + keys.length <= this.keys.length; start++) {
      if (this.matchesAt(start, keys, prefix)) return true;
    }
    return false;
  }

  private matchesAt(start: number, keys: readonly string[], prefix: boolean): boolean {
    for (let i = 0; i < keys.length; i++) {
      const isPrefix = prefix && i === keys.length - 1;
      if (isPrefix ? !this.keyStartsWith(start + i, keys[i]!) : this.keys[start + i] !== keys[i]) return false;
    }
    return true;
  }

  // Keys drop a final -s/-e, so a prefix is checked against the key and what it could have been.
  private keyStartsWith(index: number, prefix: string): boolean {
    const key = this.keys[index]!;
    return key.startsWith(prefix) || (prefix.length === key.length + 1 && prefix.startsWith(key) && /[se]$/.test(prefix));
  }
}

/** Lower case, accents kept out: how addresses and domains are compared. */
export function foldAddress(address: string): string {
  return foldSpanish(address.trim()).replace(/\.$/, '');
}
