import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalizedPages } from './localized-pages';
import { SUPPORTED_LANGUAGES } from './languages';

describe('LocalizedPages', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pages-'));
    mkdirSync(join(dir, 'templates'));
    mkdirSync(join(dir, 'locales'));
    writeFileSync(join(dir, 'templates', 'layout.hbs'), '<html lang="{{lang}}"><title>{{title}}</title>{{{body}}}</html>');
    writeFileSync(join(dir, 'templates', 'greeting.hbs'), '<p>{{t "hello" name=businessName}}</p>');
    for (const lang of SUPPORTED_LANGUAGES) writeFileSync(join(dir, 'locales', `${lang}.json`), JSON.stringify({ hello: `${lang}: hello {{name}}` }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders the page inside the layout, in the language asked for', () => {
    const pages = new LocalizedPages(dir, ['greeting']);
    expect(pages.render('greeting', 'fr', { title: 'T', businessName: 'Shop' })).toBe('<html lang="fr"><title>T</title><p>fr: hello Shop</p></html>');
  });

  it('escapes what a business or a person typed, once', () => {
    const pages = new LocalizedPages(dir, ['greeting']);
    const html = pages.render('greeting', 'en', { title: '<b>', businessName: 'Tom & <i>Jerry</i>' });
    expect(html).toContain('<title>&lt;b&gt;</title>');
    expect(html).toContain('en: hello Tom &amp; &lt;i&gt;Jerry&lt;/i&gt;');
  });

  it('falls back to a supported language for one it does not speak', () => {
    const pages = new LocalizedPages(dir, ['greeting']);
    expect(pages.language('fr-CA')).toBe('fr');
    expect(pages.t('en', 'hello', { name: 'X' })).toBe('en: hello X');
  });

  it('says deadlines in UTC', () => {
    const pages = new LocalizedPages(dir, ['greeting']);
    expect(pages.formatDeadline('en', new Date('2026-11-24T10:05:00Z'))).toMatch(/November 24, 2026.*10:05.*UTC$/);
    expect(pages.formatDate('en', new Date('2026-11-24T23:30:00Z'))).toBe('November 24, 2026');
  });

  it('refuses to start without a template it was told to serve', () => {
    expect(() => new LocalizedPages(dir, ['greeting', 'missing'])).toThrow(/missing\.hbs/);
  });
});
