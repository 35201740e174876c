import { describe, expect, it } from 'vitest';
import { SNIPPET_MARK } from '../../core/app-api';
import { snippetParts } from './search-snippet';

const S = SNIPPET_MARK.start;
const E = SNIPPET_MARK.end;

describe('a search snippet on screen', () => {
  it('splits the text around the words the index marked', () => {
    expect(snippetParts(`…solicito la ${S}licencia${E} de ${S}obra${E} menor para…`)).toEqual([
      { text: '…solicito la ', match: false },
      { text: 'licencia', match: true },
      { text: ' de ', match: false },
      { text: 'obra', match: true },
      { text: ' menor para…', match: false },
    ]);
  });

  it('keeps markup as plain text: the screen renders it as characters, never as HTML', () => {
    const parts = snippetParts(`<img src=x onerror="alert(1)"> ${S}padrón${E} <script>robar()</script>`);
    expect(parts).toEqual([
      { text: '<img src=x onerror="alert(1)"> ', match: false },
      { text: 'padrón', match: true },
      { text: ' <script>robar()</script>', match: false },
    ]);
  });

  it('joins the line breaks of a mail body and other control characters into single spaces', () => {
    expect(snippetParts(`Buenos días,\r\n\r\n\tadjunto el ${S}certificado${E}\u0007 de\u0085empadronamiento`)).toEqual([
      { text: 'Buenos días, adjunto el ', match: false },
      { text: 'certificado', match: true },
      { text: ' de empadronamiento', match: false },
    ]);
  });

  it('ends a match left open at the end, drops a stray end mark, and joins adjacent matches', () => {
    expect(snippetParts(`la ${S}licen`)).toEqual([
      { text: 'la ', match: false },
      { text: 'licen', match: true },
    ]);
    expect(snippetParts(`${E}vado ${S}perman${E}${S}ente${E}`)).toEqual([
      { text: 'vado ', match: false },
      { text: 'permanente', match: true },
    ]);
    expect(snippetParts(`${S}${E}`)).toEqual([]);
    expect(snippetParts('')).toEqual([]);
  });
});
