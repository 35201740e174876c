/**
 * Filling a template's body with the ticket's values. Variables are written `{{citizen.name}}`
 * (spaces inside the braces allowed), and sections show text only when a value is known or
 * only when it is not (placeholders.ts); the text is plain — mail bodies and the reply editor — so
 * nothing is escaped. A variable with no value is an error that lists every such variable, never
 * a silent blank: "Estimado/a :" in a mail to a citizen is worse than a clerk fixing a field.
 * Variables that are not standard ({{documents}}) are fields the clerk fills in before sending.
 * The template's official links are appended as a list, after the body.
 */
import type { Result } from '../sync/api-result';
import type { Template, TemplateLink } from '../schemas';
import { hasValue, parseBody, type TemplateNode } from './placeholders';

/** The variables every reply can fill from the ticket, its citizen, department and clerk. */
export const STANDARD_VARIABLES = [
  'citizen.name',
  'ticket.reference',
  'ticket.subject',
  'ticket.dueDate',
  'ticket.responseDueDate',
  'department.name',
  'clerk.name',
  'council.name',
] as const;
export type StandardVariable = (typeof STANDARD_VARIABLES)[number];

export type TemplateValues = Readonly<Record<string, string>>;

export type RenderedTemplate = {
  /** The body with values in, then the links: what goes in the mail. */
  text: string;
  /** The body with values in, without the links (for an editor that shows links apart). */
  body: string;
  links: TemplateLink[];
};

export type TemplateRenderError = {
  code: 'missing_values' | 'malformed_placeholder';
  message: string;
  /** The variables without a value, or the malformed placeholders as written. */
  variables: string[];
};

/** The variables a body uses as values, in order of first use, and the placeholders that are not valid. */
export function templateVariables(body: string): { variables: string[]; malformed: string[] } {
  const { variables, malformed } = parseBody(body);
  return { variables, malformed };
}

/**
 * The fields a clerk must fill by hand: variables of the body that are not standard. (A section
 * on a field of the clerk's, `{{#documents}}`, needs no value: it is left out when none is given.)
 */
export function fillInVariables(body: string): string[] {
  return templateVariables(body).variables.filter((name) => !(STANDARD_VARIABLES as readonly string[]).includes(name));
}

const LINK_HEADINGS: Record<string, string> = {
  es: 'Enlaces de interés:',
  en: 'Useful links:',
  ca: 'Enllaços d’interès:',
  gl: 'Ligazóns de interese:',
  eu: 'Esteka interesgarriak:',
};

function linkHeading(language: string): string {
  return LINK_HEADINGS[language] ?? LINK_HEADINGS[language.split('-')[0]!] ?? LINK_HEADINGS.es!;
}

type Fill = (name: string) => string | undefined;

/** The nodes with values in; `fill` gives each variable's text, or undefined when it has none. */
function fillNodes(nodes: readonly TemplateNode[], values: TemplateValues, fill: Fill, missing: string[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.kind === 'text') text += node.text;
    else if (node.kind === 'section') {
      if (hasValue(values[node.name]) !== node.inverted) text += fillNodes(node.children, values, fill, missing);
    } else {
      const value = fill(node.name);
      if (value === undefined && !missing.includes(node.name)) missing.push(node.name);
      text += value ?? '';
    }
  }
  return text;
}

function withLinks(template: Pick<Template, 'links' | 'language'>, body: string): RenderedTemplate {
  const links = template.links.map((link) => ({ ...link }));
  const text = links.length === 0 ? body : `${body.trimEnd()}\n\n${linkHeading(template.language)}\n${links.map((link) => `- ${link.label}: ${link.url}`).join('\n')}`;
  return { text, body, links };
}

function malformedError(malformed: readonly string[]): TemplateRenderError {
  return { code: 'malformed_placeholder', message: `placeholders that are not variables: ${malformed.join(', ')}`, variables: [...malformed] };
}

/**
 * The template with its values in and its links appended, or the list of what is missing. Only
 * the variables of the sections that show count:
 * `{{#ticket.dueDate}}antes del {{ticket.dueDate}}{{/ticket.dueDate}}` needs no due date.
 */
export function renderTemplate(template: Pick<Template, 'body' | 'links' | 'language'>, values: TemplateValues): Result<RenderedTemplate, TemplateRenderError> {
  const parsed = parseBody(template.body);
  if (parsed.malformed.length > 0) return { ok: false, error: malformedError(parsed.malformed) };
  const missing: string[] = [];
  const body = fillNodes(parsed.nodes, values, (name) => values[name], missing);
  if (missing.length > 0) {
    return { ok: false, error: { code: 'missing_values', message: `no value for ${missing.map((name) => `{{${name}}}`).join(', ')}`, variables: missing } };
  }
  return { ok: true, value: withLinks(template, body) };
}

/** A blank left in a draft: the variable, and the text that stands for it until the clerk writes it. */
export type DraftBlank = { variable: string; marker: string };

export type RenderedDraft = RenderedTemplate & {
  /** What the clerk must still write, in order of first appearance: each marker is in the text. */
  blanks: DraftBlank[];
};

/**
 * A template rendered for a clerk to finish, never sent as it is: each variable without a value
 * (a fill-in field, or a standard one the ticket lacks) becomes `marker(name)`, a visible blank
 * the clerk replaces, instead of an empty gap. Only malformed placeholders are an error.
 */
export function renderDraft(template: Pick<Template, 'body' | 'links' | 'language'>, values: TemplateValues, marker: (variable: string) => string): Result<RenderedDraft, TemplateRenderError> {
  const parsed = parseBody(template.body);
  if (parsed.malformed.length > 0) return { ok: false, error: malformedError(parsed.malformed) };
  const blanks: DraftBlank[] = [];
  const body = fillNodes(parsed.nodes, values, (name) => {
    const value = values[name];
    if (value !== undefined) return value;
    let blank = blanks.find((candidate) => candidate.variable === name);
    if (!blank) {
      blank = { variable: name, marker: marker(name) };
      blanks.push(blank);
    }
    return blank.marker;
  }, []);
  return { ok: true, value: { ...withLinks(template, body), blanks } };
}
