/**
 * Templates that answer what a ticket asks, ranked while the clerk reads it. Each template's
 * words (title and keywords weigh three times its body) are reduced to light Spanish stems —
 * the same stemming the search box uses (core/text) — and a ticket scores each template by the
 * stems they share, rarer stems counting more (inverse document frequency across the templates).
 * Variables and links are not words of the answer. The index is built once per set of templates.
 */
import type { Template } from '../schemas';
import { spanishWords, stemSpanish } from '../text/spanish-search';
import { availableTemplates, type TemplateChoice } from './pick';
import { STOPWORDS } from './stopwords';

const TITLE_WEIGHT = 3;
const SUGGEST_BODY_LIMIT = 20_000;
const BODY_WEIGHT = 1;

/** The stems of a text that carry meaning. */
export function meaningfulStems(text: string): Set<string> {
  const stems = new Set<string>();
  for (const word of spanishWords(text)) {
    if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    stems.add(stemSpanish(word));
  }
  return stems;
}

type IndexedTemplate = { template: Template; weights: Map<string, number> };

export type TemplateIndex = {
  templates: readonly Template[];
  entries: ReadonlyMap<string, IndexedTemplate>;
  /** Inverse document frequency of each stem across the indexed templates. */
  idf: ReadonlyMap<string, number>;
};

export function buildTemplateIndex(templates: readonly Template[]): TemplateIndex {
  const entries = new Map<string, IndexedTemplate>();
  const documentFrequency = new Map<string, number>();
  for (const template of templates) {
    if (!template.active) continue;
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
  return { templates, entries, idf };
}

export type TemplateSuggestion = {
  template: Template;
  score: number;
  /** The ticket's stems the template shares, best first: why it is suggested. */
  sharedStems: string[];
};

/**
 * The templates available to the department in the ticket's language (one document per key, as
 * {@link availableTemplates} picks), that share meaningful words with the ticket, best first.
 */
export function suggestTemplates(index: TemplateIndex, ticket: { subject: string; body: string }, choice: TemplateChoice & { limit?: number }): TemplateSuggestion[] {
  // As routing does, only the top of a long body: a quoted thread says nothing new.
  const stems = meaningfulStems(`${ticket.subject} ${ticket.body.slice(0, SUGGEST_BODY_LIMIT)}`);
  const suggestions: TemplateSuggestion[] = [];
  for (const template of availableTemplates(index.templates, choice)) {
    const entry = index.entries.get(template.id);
    if (!entry) continue;
    let score = 0;
    const shared: [string, number][] = [];
    for (const stem of stems) {
      const weight = entry.weights.get(stem);
      if (weight === undefined) continue;
      const points = weight * (index.idf.get(stem) ?? 0);
      score += points;
      shared.push([stem, points]);
    }
    if (score > 0) {
      shared.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      suggestions.push({ template, score: Math.round(score * 1000) / 1000, sharedStems: shared.map(([stem]) => stem) });
    }
  }
  suggestions.sort((a, b) => b.score - a.score || a.template.key.localeCompare(b.template.key));
  return suggestions.slice(0, choice.limit ?? 5);
}
