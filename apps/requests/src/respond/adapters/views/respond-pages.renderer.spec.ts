import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES } from '@feedback/i18n';
import { RespondPages } from './respond-pages.renderer';

function keys(value: unknown, prefix = ''): string[] {
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null ? keys(inner, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
const locale = (lang: string) => JSON.parse(readFileSync(join(__dirname, 'locales', `${lang}.json`), 'utf8'));

describe('respondent page texts', () => {
  it.each(SUPPORTED_LANGUAGES)('%s has every text English has, none empty', (lang) => {
    expect(keys(locale(lang)).sort()).toEqual(keys(locale('en')).sort());
    for (const key of keys(locale(lang))) {
      const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], locale(lang));
      expect(String(text).trim()).not.toBe('');
    }
  });
});

describe('RespondPages', () => {
  const pages = new RespondPages();

  it.each(SUPPORTED_LANGUAGES)('renders the form in %s with its lang attribute and a label for every input', (lang) => {
    const html = pages.render('information-form', lang, {
      title: pages.t(lang, 'info.title', { business: 'Shop' }),
      businessName: 'Shop',
      deadline: pages.formatDeadline(lang, new Date('2026-11-24T10:00:00Z')),
      shareLabel: pages.t(lang, 'info.share'),
      token: 'tok',
      fields: [{ name: 'email', label: pages.t(lang, 'info.fields.email'), type: 'email', autocomplete: 'email', maxLength: 320, shared: false, value: '', error: undefined }],
      errorList: [],
    });
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="share-email">');
    expect(html).not.toMatch(/info\.|errors\./);
  });

  it('escapes whatever a business or a person typed', () => {
    const html = pages.render('message', 'en', { title: '<script>alert(1)</script>', message: '"><img src=x>', businessName: '<b>Shop</b>' });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('resolves regional languages to the supported base language', () => {
    expect(pages.language('de-AT')).toBe('de');
    expect(pages.language('pt-BR')).toBe('en');
  });
});
