import i18next from 'i18next';
import { LOCALES_DIR } from './email.renderer';
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

  it('gives each call its own values (a text is resolved once, interpolated every time)', () => {
    expect(translator.t('nl', 'greeting', { name: 'Ann' })).toBe('Hallo Ann,');
    expect(translator.t('nl', 'greeting', { name: 'Bob' })).toBe('Hallo Bob,');
    expect(translator.t('nl', 'greeting', { name: 7 })).toBe('Hallo 7,');
  });

  it('interpolates missing, undefined, null, nested and non-string values as i18next does', () => {
    const texts = new Translator({ en: { line: 'Hi {{name}}, {{a.b}} and {{ n }}!' } });
    const reference = i18nextOver(texts);
    const cases: Record<string, unknown>[] = [{}, { name: undefined }, { name: null }, { a: { b: 3 } }, { a: null }, { a: {} }, { n: 0 }, { n: false }, { name: { x: 1 } }];
    for (const values of cases) expect(texts.t('en', 'line', values)).toBe(reference.t('line', values));
  });

  it('says what i18next says for every text of every locale, values given or not', () => {
    const locales = Translator.fromDirectory(LOCALES_DIR);
    const reference = i18nextOver(locales);
    for (const language of [...locales.languages, 'pt', 'nl-BE']) {
      for (const key of locales.keys('en')) {
        const text = locales.raw(language, key) ?? locales.raw('en', key)!;
        // Only plain placeholders: no nesting, formats or plurals, which the resolve-once path would not handle.
        expect(`${key}: ${text.replace(/\{\{\s*[A-Za-z0-9_.]+\s*\}\}/g, '')}`).not.toMatch(/\{\{|\$t\(/);
        expect(key).not.toMatch(/_(zero|one|two|few|many|other)$/);
        const values = Object.fromEntries(placeholdersOf(text).map((name, i) => [name, i === 0 ? `<${name} & co>` : i]));
        expect(locales.t(language, key, values)).toBe(reference.getFixedT(language)(key, values));
        expect(locales.t(language, key)).toBe(reference.getFixedT(language)(key));
      }
    }
  });

  it('refuses resources without the fallback language', () => {
    expect(() => new Translator({ nl: {} })).toThrow(/fallback/);
  });
});

/** A plain i18next instance over the same texts, configured as Translator configures its own. */
function i18nextOver(translator: Translator) {
  const reference = i18next.createInstance();
  void reference.init({
    initAsync: false,
    fallbackLng: 'en',
    resources: Object.fromEntries(translator.languages.map((language) => [language, { translation: rawResource(translator, language) }])),
    interpolation: { escapeValue: false },
  });
  return reference;
}

/** A language's texts as nested objects again, from its flattened keys. */
function rawResource(translator: Translator, language: string): Record<string, unknown> {
  const resource: Record<string, unknown> = {};
  for (const key of translator.keys(language)) {
    const parts = key.split('.');
    let node = resource;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = translator.raw(language, key);
  }
  return resource;
}
