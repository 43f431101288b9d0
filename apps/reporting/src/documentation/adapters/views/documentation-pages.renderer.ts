import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES, resolveLanguage } from '@feedback/i18n';

const read = (...parts: string[]) => readFileSync(join(__dirname, ...parts), 'utf8');

export type PageName = 'documentation-form' | 'message';

export interface PageContext {
  title: string;
  businessName?: string;
  privacyPolicyUrl?: string;
  [key: string]: unknown;
}

/**
 * Renders the reviewer's documentation pages (localized, accessible, no
 * third-party assets). Texts come from locales/<lang>.json through i18next;
 * Handlebars escapes every value, so nothing a business or a person typed can
 * inject markup.
 */
@Injectable()
export class DocumentationPages {
  private readonly i18n: i18n;
  private readonly handlebars = Handlebars.create();
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly pages: Record<PageName, HandlebarsTemplateDelegate>;
  readonly stylesheet = read('documentation.css');

  constructor() {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      fallbackLng: 'en',
      supportedLngs: [...SUPPORTED_LANGUAGES],
      resources: Object.fromEntries(SUPPORTED_LANGUAGES.map((lang) => [lang, { translation: JSON.parse(read('locales', `${lang}.json`)) }])),
      // Handlebars escapes the helper's output; escaping here too would double it.
      interpolation: { escapeValue: false },
    });
    const i18nInstance = this.i18n;
    this.handlebars.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      return i18nInstance.getFixedT(options.data.root.lang)(key, options.hash);
    });
    this.layout = this.handlebars.compile(read('templates', 'layout.hbs'));
    this.pages = {
      'documentation-form': this.handlebars.compile(read('templates', 'documentation-form.hbs')),
      message: this.handlebars.compile(read('templates', 'message.hbs')),
    };
  }

  /** The supported language to render for someone who reads `preferred`. */
  language(preferred: string | undefined): string {
    return resolveLanguage(preferred);
  }

  t(lang: string, key: string, values: Record<string, unknown> = {}): string {
    return this.i18n.getFixedT(lang)(key, values);
  }

  formatDeadline(lang: string, at: Date): string {
    return `${new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
  }

  formatDate(lang: string, at: Date): string {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(at);
  }

  render(page: PageName, lang: string, context: PageContext): string {
    const data = { ...context, lang };
    return this.layout({ ...data, body: this.pages[page](data) });
  }
}
