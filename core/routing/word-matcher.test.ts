import { describe, expect, it } from 'vitest';
import { compilePhrase, WordIndex, wordKey } from './word-matcher';

const finds = (text: string, word: string) => new WordIndex(text).has(compilePhrase(word)!);

describe('words and phrases in a ticket', () => {
  it('ignores case and accents', () => {
    expect(finds('Solicitud de LICÉNCIA', 'licencia')).toBe(true);
    expect(finds('plusvalia municipal', 'plusvalía')).toBe(true);
  });

  it('matches singular and plural both ways', () => {
    expect(finds('Tengo dos licencias de obras pendientes', 'licencia de obra')).toBe(true);
    expect(finds('una calle sin luz', 'calles')).toBe(true);
    expect(finds('se fundieron las luces', 'luz')).toBe(true);
    expect(finds('varias solicitudes', 'solicitud')).toBe(true);
    expect(wordKey('calles')).toBe(wordKey('calle'));
  });

  it('matches whole words only, so a short word does not hide inside a longer one', () => {
    expect(finds('quiero recibir el certificado', 'ibi')).toBe(false);
    expect(finds('el recibo del IBI', 'ibi')).toBe(true);
    expect(finds('le recibe el técnico', 'recibo')).toBe(false);
  });

  it('matches a phrase only as consecutive words', () => {
    expect(finds('obra de licencia', 'licencia de obra')).toBe(false);
    expect(finds('licencia para una obra', 'licencia de obra')).toBe(false);
    expect(finds('Asunto: licencia de obra menor', 'licencia de obra')).toBe(true);
  });

  it('matches a word ending in * as a prefix', () => {
    expect(finds('el licenciado Pérez', 'licenc*')).toBe(true);
    expect(finds('callejón sin salida', 'calle*')).toBe(true);
    expect(finds('una calle', 'calle*')).toBe(true);
    expect(finds('la licencia de obras', 'licencia de obr*')).toBe(true);
    expect(finds('publicidad', 'licenc*')).toBe(false);
  });

  it('has nothing to look for in punctuation', () => {
    expect(compilePhrase(' ¡¿?! ')).toBeUndefined();
  });
});
