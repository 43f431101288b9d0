import { languageFromAcceptHeader, resolveLanguage } from './languages';

describe('resolveLanguage', () => {
  it.each([
    ['nl-BE', 'nl'],
    ['da', 'da'],
    ['DE-at', 'de'],
    ['fr-CA', 'fr'],
    ['es-419', 'es'],
    ['sv-SE', 'en'],
    [undefined, 'en'],
    ['', 'en'],
  ])('%p -> %s', (preferred, expected) => expect(resolveLanguage(preferred)).toBe(expected));
});

describe('languageFromAcceptHeader', () => {
  it('takes the best supported language by quality', () => {
    expect(languageFromAcceptHeader('sv;q=0.9, de-CH;q=0.8, en;q=0.5')).toBe('de');
    expect(languageFromAcceptHeader('en-GB,en;q=0.9')).toBe('en');
    expect(languageFromAcceptHeader('ja')).toBeUndefined();
    expect(languageFromAcceptHeader(undefined)).toBeUndefined();
  });
});
