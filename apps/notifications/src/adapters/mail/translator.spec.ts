import { placeholdersOf, Translator } from './translator';

const translator = new Translator({
  en: { greeting: 'Hello {{name}},', nested: { only: 'English only' } },
  nl: { greeting: 'Hallo {{ name }},' },
});

describe('Translator', () => {
  it('interpolates values in the requested language', () => {
    expect(translator.t('nl', 'greeting', { name: 'Ann' })).toBe('Hallo Ann,');
    expect(translator.t('en', 'greeting', { name: 'Ann' })).toBe('Hello Ann,');
  });

  it('falls back to English per key, then to the key itself', () => {
    expect(translator.t('nl', 'nested.only')).toBe('English only');
    expect(translator.t('da', 'greeting', { name: 'Ann' })).toBe('Hello Ann,');
    expect(translator.t('nl', 'missing.key')).toBe('missing.key');
  });

  it('leaves an unknown placeholder visible and does not escape (the templates do)', () => {
    expect(translator.t('en', 'greeting')).toBe('Hello {{name}},');
    expect(translator.t('en', 'greeting', { name: '<Ann & Bob>' })).toBe('Hello <Ann & Bob>,');
  });

  it('lists keys flattened and placeholders sorted', () => {
    expect(translator.keys('en')).toEqual(['greeting', 'nested.only']);
    expect(placeholdersOf('{{b}} and {{ a }}')).toEqual(['a', 'b']);
  });

  it('refuses resources without the fallback language', () => {
    expect(() => new Translator({ nl: {} })).toThrow(/fallback/);
  });
});
