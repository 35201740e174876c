/**
 * Which document of a template key to use for a department and a language. The same key is the
 * same answer, so the citizen's language comes first — a reply the citizen can read beats a
 * department's own wording — then the department's version over the council-wide one:
 *
 *   department + language → council + language → department + base language ('ca' for
 *   'ca-ES-valencia') → council + base language → department + 'es' → council + 'es'.
 *
 * Among documents of the same place in that order (there should be one), the last updated wins,
 * then the smallest id, so every workstation picks the same.
 */
import type { Template } from '../schemas';

export const FALLBACK_LANGUAGE = 'es';

export type TemplateChoice = { departmentId?: string; language: string };

function preference(template: Template, choice: TemplateChoice): number {
  const base = choice.language.split('-')[0]!;
  const languages = [...new Set([choice.language, base, FALLBACK_LANGUAGE])];
  const languageRank = languages.indexOf(template.language);
  if (languageRank < 0) return -1;
  const own = choice.departmentId !== undefined && template.departmentId === choice.departmentId;
  if (!own && template.departmentId !== undefined) return -1; // another department's
  return languageRank * 2 + (own ? 0 : 1);
}

function better(a: Template, b: Template): boolean {
  return a.updatedAt !== b.updatedAt ? a.updatedAt > b.updatedAt : a.id < b.id;
}

/** The active document of `key` to use, or undefined when there is none for this department. */
export function pickTemplate(templates: readonly Template[], key: string, choice: TemplateChoice): Template | undefined {
  let best: Template | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const template of templates) {
    if (!template.active || template.key !== key) continue;
    const rank = preference(template, choice);
    if (rank < 0) continue;
    if (rank < bestRank || (rank === bestRank && best && better(template, best))) {
      best = template;
      bestRank = rank;
    }
  }
  return best;
}

/** One document per key available to a department in a language: what the clerk's picker lists. */
export function availableTemplates(templates: readonly Template[], choice: TemplateChoice): Template[] {
  const keys = [...new Set(templates.filter((template) => template.active).map((template) => template.key))].sort();
  return keys.map((key) => pickTemplate(templates, key, choice)).filter((template): template is Template => template !== undefined);
}
