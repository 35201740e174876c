/**
 * The little template language of a body, and nothing more: variables `{{citizen.name}}` (spaces
 * inside the braces allowed) and sections that show their text only when a variable has a value,
 * `{{#ticket.dueDate}}…{{/ticket.dueDate}}`, or only when it has none,
 * `{{^ticket.dueDate}}…{{/ticket.dueDate}}` — Mustache's spelling, so a council's IT reads it
 * without a manual. Sections exist for what a ticket may legitimately lack (an intake ticket has
 * no due date): an acknowledgement must still read well without it.
 *
 * A section tag alone on its line takes the line with it, so a template can be written
 *
 *     Hemos recibido su escrito.
 *     {{#ticket.dueDate}}
 *     Le responderemos antes del {{ticket.dueDate}}.
 *     {{/ticket.dueDate}}
 *     Atentamente,
 *
 * and give no blank line when the date is unknown.
 */

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string }
  | { kind: 'section'; name: string; inverted: boolean; children: TemplateNode[] };

export type ParsedBody = {
  nodes: TemplateNode[];
  /** Variables written as values, in order of first use (in any section). */
  variables: string[];
  /** Variables sections depend on, in order of first use. */
  conditions: string[];
  /** Placeholders that are not valid, as written: '{{nombre completo}}', '{{#x}}' never closed. */
  malformed: string[];
};

const TAG = /\{\{([^{}]*)\}\}/g;
const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$/;
/** A section tag with nothing else on its line: the line break goes with it. */
const STANDALONE_SECTION_TAG = /^[ \t]*(\{\{\s*[#^/][^{}]*\}\})[ \t]*\r?\n/gm;

type Open = { name: string; inverted: boolean; children: TemplateNode[]; written: string };

export function parseBody(body: string): ParsedBody {
  const source = body.replace(STANDALONE_SECTION_TAG, '$1');
  const root: TemplateNode[] = [];
  const stack: Open[] = [];
  const variables: string[] = [];
  const conditions: string[] = [];
  const malformed: string[] = [];
  const current = () => stack[stack.length - 1]?.children ?? root;
  const pushText = (text: string) => {
    if (text === '') return;
    const nodes = current();
    const last = nodes[nodes.length - 1];
    if (last?.kind === 'text') last.text += text;
    else nodes.push({ kind: 'text', text });
  };
  let position = 0;
  for (const match of source.matchAll(TAG)) {
    pushText(source.slice(position, match.index));
    position = match.index + match[0].length;
    const inner = (match[1] ?? '').trim();
    const sigil = inner[0];
    const name = sigil === '#' || sigil === '^' || sigil === '/' ? inner.slice(1).trim() : inner;
    if (!VARIABLE_NAME.test(name)) {
      malformed.push(match[0]);
    } else if (sigil === '#' || sigil === '^') {
      stack.push({ name, inverted: sigil === '^', children: [], written: match[0] });
      if (!conditions.includes(name)) conditions.push(name);
    } else if (sigil === '/') {
      const open = stack[stack.length - 1];
      if (open?.name !== name) {
        malformed.push(match[0]); // closes nothing, or crosses another section
        continue;
      }
      stack.pop();
      current().push({ kind: 'section', name, inverted: open.inverted, children: open.children });
    } else {
      current().push({ kind: 'variable', name });
      if (!variables.includes(name)) variables.push(name);
    }
  }
  pushText(source.slice(position));
  for (const open of stack) malformed.push(open.written); // never closed
  // A '{{' that never closes, or braces inside braces.
  const stray = source.replace(TAG, '').match(/\{\{[^\n]{0,40}/g);
  if (stray) malformed.push(...stray);
  return { nodes: root, variables, conditions, malformed };
}

/** A variable a section tests "has a value": given, and not empty. */
export function hasValue(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
