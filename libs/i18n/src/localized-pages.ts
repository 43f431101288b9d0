import Handlebars from 'handlebars';
import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLanguage, SUPPORTED_LANGUAGES } from './languages';
import { perLanguage } from './per-language';
import { compileTemplateFile } from './template-file';

/** What every page's template is given, besides its own fields. */
export interface PageContext {
  title: string;
  businessName?: string;
  privacyPolicyUrl?: string;
  [key: string]: unknown;
}

/**
 * A translator over `<dir>/locales/<lang>.json`, one file per language, loaded
 * at once (no lookup ever waits). Values are not escaped: Handlebars escapes
 * what a template prints, and escaping here too would double it.
 */
export function loadTranslations(dir: string, languages: readonly string[]): i18n {
  const translations = i18next.createInstance();
  void translations.init({
    initAsync: false,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    resources: Object.fromEntries(languages.map((lang) => [lang, { translation: JSON.parse(readFileSync(join(dir, 'locales', `${lang}.json`), 'utf8')) }])),
    interpolation: { escapeValue: false },
  });
  return translations;
}

/** A Handlebars of its own whose `{{t "key" name=value}}` says the text in the page's `lang`. */
export function translatingHandlebars(translations: i18n): typeof Handlebars {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => translations.getFixedT((options.data as { root: { lang: string } }).root.lang)(key, options.hash));
  return handlebars;
}

const deadlineFormat = perLanguage((lang) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }));
const dateFormat = perLanguage((lang) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }));

/**
 * The pages a service shows people (respondent forms, documentation forms):
 * `<dir>/templates/layout.hbs` around `<dir>/templates/<page>.hbs`, texts from
 * `<dir>/locales/<lang>.json` in every supported language. Every value is
 * escaped by Handlebars, so nothing a person or a business typed can inject
 * markup; no asset comes from a third party.
 */
export class LocalizedPages<PageName extends string> {
  private readonly translations: i18n;
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly pages: Record<PageName, HandlebarsTemplateDelegate>;

  constructor(dir: string, pageNames: readonly PageName[]) {
    this.translations = loadTranslations(dir, SUPPORTED_LANGUAGES);
    const handlebars = translatingHandlebars(this.translations);
    const compile = (name: string) => compileTemplateFile(handlebars, join(dir, 'templates', `${name}.hbs`));
    this.layout = compile('layout');
    this.pages = Object.fromEntries(pageNames.map((name) => [name, compile(name)])) as Record<PageName, HandlebarsTemplateDelegate>;
  }

  /** The supported language to render for someone who reads `preferred`. */
  language(preferred: string | undefined): string {
    return resolveLanguage(preferred);
  }

  t(lang: string, key: string, values: Record<string, unknown> = {}): string {
    return this.translations.getFixedT(lang)(key, values);
  }

  /** A deadline to the minute, in UTC and saying so: the reader's time zone is unknown. */
  formatDeadline(lang: string, at: Date): string {
    return `${deadlineFormat(lang).format(at)} UTC`;
  }

  /** A UTC calendar date. */
  formatDate(lang: string, at: Date): string {
    return dateFormat(lang).format(at);
  }

  render(page: PageName, lang: string, context: PageContext): string {
    const data = { ...context, lang };
    return this.layout({ ...data, body: this.pages[page](data) });
  }
}
