import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES } from '@feedback/i18n';
import { DocumentationPages } from './documentation-pages.renderer';

function keys(value: unknown, prefix = ''): string[] {
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null ? keys(inner, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
const locale = (lang: string) => JSON.parse(readFileSync(join(__dirname, 'locales', `${lang}.json`), 'utf8'));
const text = (lang: string, key: string) => String(key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], locale(lang)));
const placeholders = (value: string) => [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('documentation page texts', () => {
  it.each(SUPPORTED_LANGUAGES)('%s has every text English has, none empty, with the same placeholders', (lang) => {
    expect(keys(locale(lang)).sort()).toEqual(keys(locale('en')).sort());
    for (const key of keys(locale(lang))) {
      expect(text(lang, key).trim()).not.toBe('');
      expect({ key, placeholders: placeholders(text(lang, key)) }).toEqual({ key, placeholders: placeholders(text('en', key)) });
    }
  });

  it.each(SUPPORTED_LANGUAGES.filter((lang) => lang !== 'en'))('%s is translated, not copied from English', (lang) => {
    for (const key of keys(locale('en')).filter((k) => text('en', k).length > 25)) expect({ key, text: text(lang, key) }).not.toEqual({ key, text: text('en', key) });
  });
});

describe('DocumentationPages', () => {
  const pages = new DocumentationPages();
  const form = (lang: string, extra: Record<string, unknown> = {}) =>
    pages.render('documentation-form', lang, {
      title: pages.t(lang, 'documentation.title', { business: 'Shop' }),
      businessName: 'Shop',
      reviewPublished: pages.formatDate(lang, new Date('2026-10-01T10:00:00Z')),
      deadline: pages.formatDeadline(lang, new Date('2026-11-28T10:00:00Z')),
      maxFileSize: '5 MB',
      maxDescriptionLength: 5000,
      description: '',
      token: 'tok',
      errorList: [],
      ...extra,
    });

  it.each(SUPPORTED_LANGUAGES)('renders the form in %s with its lang attribute, a label for every control and no untranslated key', (lang) => {
    const html = form(lang);
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain('<label for="description">');
    expect(html).toContain('<label for="file">');
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('action="/documentation/tok"');
    expect(html).not.toMatch(/\b(?:documentation\.(?!css)|errors\.|page\.)\w/);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('ties each error to its field', () => {
    const html = form('en', { descriptionError: 'Describe your experience.', fileError: 'Too large', errorList: [{ anchor: 'description', text: 'Describe your experience.' }, { anchor: 'file', text: 'Too large' }] });
    expect(html).toContain('aria-describedby="description-hint description-error" aria-invalid="true"');
    expect(html).toContain('aria-describedby="file-hint file-error" aria-invalid="true"');
    expect(html).toContain('<p class="field-error" id="file-error">Too large</p>');
    expect(html).toContain('<a href="#file">Too large</a>');
  });

  it('escapes whatever a business or a person typed', () => {
    const html = form('en', { businessName: '<b>Shop</b>', description: '</textarea><script>alert(1)</script>' });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>Shop</b>');
    expect(html).toContain('&lt;/textarea&gt;');
  });
});
