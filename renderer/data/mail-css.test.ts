import { describe, expect, it } from 'vitest';
import { cleanCss } from './mail-html';

describe('mail CSS', () => {
  it('drops imports and remote urls until the clerk asks for images', () => {
    const css = "@import url(https://t.example/a.css); body { background: url('https://t.example/b.png') } p { background: url(data:image/png;base64,AAAA) }";
    expect(cleanCss(css, false)).toBe(' body { background: none } p { background: url(data:image/png;base64,AAAA) }');
    expect(cleanCss(css, true)).toBe(" body { background: url('https://t.example/b.png') } p { background: url(data:image/png;base64,AAAA) }");
  });
});
