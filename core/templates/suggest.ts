/**
 * Templates that answer what a ticket asks, ranked while the clerk reads it. Each template's
 * words (title and keywords weigh three times its body) are reduced to light Spanish stems —
 * the same stemming the search box uses (core/text) — and a ticket scores each template by the
 * stems they share, rarer stems counting more (inverse document frequency across the templates).
 * Variables and links are not words of the answer. The index is built once per set of templates.
 */
import type { Template } from '../schemas';
import { foldSpanish, stemSpanish } from '../text/spanish-search';
import { pickTemplate, type TemplateChoice } from './pick';
import { STOPWORDS } from './stopwords';

const TITLE_WEIGHT = 3;
/** How much of a ticket's text is matched; callers gathering a long thread may stop there. */
export const SUGGEST_TEXT_LIMIT = 20_000;
const BODY_WEIGHT = 1;
/**
 * A suggestion scoring under this share of the best one is left out: one common word ('menor'
 * in "en el menor plazo posible") beside a template that shares the ticket's subject is noise,
 * not a second answer.
 */
const RELATIVE_FLOOR = 0.2;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The stems of a text that carry meaning, each with the first word that gave it as written
 * (lower case, accents kept): what a clerk is shown, since 'licenci' is nobody's word.
 */
export function meaningfulWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const written of text.normalize('NFC').toLowerCase().match(WORD) ?? []) {
    const word = foldSpanish(written);
    if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    const stem = stemSpanish(word);
    if (!words.has(stem)) words.set(stem, written);
  }
  return words;
}

/** The stems of a text that carry meaning. */
export function meaningfulStems(text: string): Set<string> {
  return new Set(meaningfulWords(text).keys());
}

type IndexedTemplate = { template: Template; weights: Map<string, number> };

export type TemplateIndex = {
  templates: readonly Template[];
  /** The active documents of each key: a ticket's choice is made within a key (pick.ts). */
  byKey: ReadonlyMap<string, readonly Template[]>;
  entries: ReadonlyMap<string, IndexedTemplate>;
  /** Inverse document frequency of each stem across the indexed templates. */
  idf: ReadonlyMap<string, number>;
};

export function buildTemplateIndex(templates: readonly Template[]): TemplateIndex {
  const entries = new Map<string, IndexedTemplate>();
  const byKey = new Map<string, Template[]>();
  const documentFrequency = new Map<string, number>();
  for (const template of templates) {
    if (!template.active) continue;
    const group = byKey.get(template.key);
    if (group) group.push(template);
    else byKey.set(template.key, [template]);
    const weights = new Map<string, number>();
    const body = template.body.replace(/\{\{[^{}]*\}\}/g, ' ');
    for (const stem of meaningfulStems(body)) weights.set(stem, BODY_WEIGHT);
    for (const stem of meaningfulStems([template.title, ...(template.keywords ?? [])].join(' '))) weights.set(stem, TITLE_WEIGHT);
    entries.set(template.id, { template, weights });
    for (const stem of weights.keys()) documentFrequency.set(stem, (documentFrequency.get(stem) ?? 0) + 1);
  }
  const count = Math.max(1, entries.size);
  const idf = new Map<string, number>();
  for (const [stem, frequency] of documentFrequency) idf.set(stem, Math.log(1 + count / frequency));
  return { templates, byKey, entries, idf };
}

export type TemplateSuggestion = {
  template: Template;
  score: number;
  /** The ticket's stems the template shares, best first: why it is suggested. */
  sharedStems: string[];
  /** The same, as the ticket writes them ('licencia', 'obra'): what the clerk is shown. */
  sharedWords: string[];
};

/**
 * The templates available to the department in the ticket's language (one document per key, as
 * `availableTemplates` picks them), that share meaningful words with the ticket, best first,
 * without those far weaker than the best.
 */
export function suggestTemplates(index: TemplateIndex, ticket: { subject: string; body: string }, choice: TemplateChoice & { limit?: number }): TemplateSuggestion[] {
  // As routing does, only the top of a long body: a quoted thread says nothing new.
  const words = meaningfulWords(`${ticket.subject} ${ticket.body.slice(0, SUGGEST_TEXT_LIMIT)}`);
  const suggestions: TemplateSuggestion[] = [];
  for (const [key, documents] of index.byKey) {
    const template = pickTemplate(documents, key, choice);
    if (!template) continue;
    const entry = index.entries.get(template.id);
    if (!entry) continue;
    let score = 0;
    const shared: [string, number][] = [];
    for (const stem of words.keys()) {
      const weight = entry.weights.get(stem);
      if (weight === undefined) continue;
      const points = weight * (index.idf.get(stem) ?? 0);
      score += points;
      shared.push([stem, points]);
    }
    if (score > 0) {
      shared.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const sharedStems = shared.map(([stem]) => stem);
      suggestions.push({ template, score: Math.round(score * 1000) / 1000, sharedStems, sharedWords: sharedStems.map((stem) => words.get(stem)!) });
    }
  }
  suggestions.sort((a, b) => b.score - a.score || a.template.key.localeCompare(b.template.key));
  const floor = (suggestions[0]?.score ?? 0) * RELATIVE_FLOOR;
  return suggestions.filter((suggestion) => suggestion.score >= floor).slice(0, choice.limit ?? 5);
}
