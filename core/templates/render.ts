/**
 * Filling a template's body with the ticket's values. Variables are written `{{citizen.name}}`
 * (spaces inside the braces allowed); the text is plain — mail bodies and the reply editor — so
 * nothing is escaped. A variable with no value is an error that lists every such variable, never
 * a silent blank: "Estimado/a :" in a mail to a citizen is worse than a clerk fixing a field.
 * Variables that are not standard ({{documents}}) are fields the clerk fills in before sending.
 * The template's official links are appended as a list, after the body.
 */
import type { Result } from '../sync/api-result';
import type { Template, TemplateLink } from '../schemas';

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

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$/;

/** The variables a body uses, in order of first use, and any placeholders that are not valid. */
export function templateVariables(body: string): { variables: string[]; malformed: string[] } {
  const variables: string[] = [];
  const malformed: string[] = [];
  for (const [whole, inner] of body.matchAll(PLACEHOLDER)) {
    const name = (inner ?? '').trim();
    if (!VARIABLE_NAME.test(name)) malformed.push(whole);
    else if (!variables.includes(name)) variables.push(name);
  }
  // A '{{' that never closes, or braces inside braces.
  const rest = body.replace(PLACEHOLDER, '');
  const stray = rest.match(/\{\{[^\n]{0,40}/g);
  if (stray) malformed.push(...stray);
  return { variables, malformed };
}

/** The fields a clerk must fill by hand: variables of the body that are not standard. */
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

/** The template with its values in and its links appended, or the list of what is missing. */
export function renderTemplate(template: Pick<Template, 'body' | 'links' | 'language'>, values: TemplateValues): Result<RenderedTemplate, TemplateRenderError> {
  const { variables, malformed } = templateVariables(template.body);
  if (malformed.length > 0) {
    return { ok: false, error: { code: 'malformed_placeholder', message: `placeholders that are not variables: ${malformed.join(', ')}`, variables: malformed } };
  }
  const missing = variables.filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    return { ok: false, error: { code: 'missing_values', message: `no value for ${missing.map((name) => `{{${name}}}`).join(', ')}`, variables: missing } };
  }
  const body = template.body.replace(PLACEHOLDER, (_whole, inner: string) => values[inner.trim()]!);
  const links = template.links.map((link) => ({ ...link }));
  const text = links.length === 0 ? body : `${body.trimEnd()}\n\n${linkHeading(template.language)}\n${links.map((link) => `- ${link.label}: ${link.url}`).join('\n')}`;
  return { ok: true, value: { text, body, links } };
}
