// A search hit's snippet (main/store/search-index.ts: FTS5's snippet() over the ticket or the
// message that matched) as pieces for the screen: plain text, and the matched words the index
// marked with SNIPPET_MARK. The screen renders each match as a <mark> element and every piece as
// React text — never as HTML — so a citizen's mail that says `<img onerror=…>` shows as those
// characters and runs nothing.
import { SNIPPET_MARK } from '../../core/app-api';

export type SnippetPart = { text: string; match: boolean };

/** C0 and C1 controls other than the marks, and the line breaks of a mail body: one space each. */
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROLS = /[\u0000\u0001\u0004-\u001f\u007f-\u009f\s]+/g;

/**
 * Splits a snippet at its marks. Whitespace runs (a mail's line breaks) become one space. A mark
 * left open (the snippet cut inside a match) ends at the end; a stray end mark is dropped. Empty
 * pieces are left out, and neighbours of the same kind are joined.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, match: boolean) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.match === match) last.text += text;
    else parts.push({ text, match });
  };
  let match = false;
  let text = '';
  for (const char of snippet.trim()) {
    if (char === SNIPPET_MARK.start || char === SNIPPET_MARK.end) {
      const opens = char === SNIPPET_MARK.start;
      if (opens === match) continue;
      push(text.replace(CONTROLS, ' '), match);
      text = '';
      match = opens;
      continue;
    }
    text += char;
  }
  push(text.replace(CONTROLS, ' '), match);
  return parts;
}
