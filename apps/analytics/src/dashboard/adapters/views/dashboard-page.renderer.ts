import { Injectable } from '@nestjs/common';
import type { i18n } from 'i18next';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTemplateFile, loadTranslations, translatingHandlebars } from '@feedback/i18n';

const here = __dirname;
const read = (...parts: string[]) => readFileSync(join(here, ...parts), 'utf8');

/** Languages the dashboard is written in (analysts' tool; add a locales/<lang>.json to add one). */
export const DASHBOARD_LANGUAGES = ['en'] as const;

/**
 * Renders the analyst dashboard page and serves its stylesheet and script,
 * all from the service itself. The page holds no figures: the script fetches
 * them with the analyst's token after sign-in.
 */
@Injectable()
export class DashboardPages {
  private readonly i18n: i18n;
  private readonly page: HandlebarsTemplateDelegate;
  readonly stylesheet = read('dashboard.css');
  readonly icon = read('favicon.svg');
  private scriptSource?: string;

  constructor() {
    this.i18n = loadTranslations(here, DASHBOARD_LANGUAGES);
    this.page = compileTemplateFile(translatingHandlebars(this.i18n), join(here, 'templates', 'dashboard.hbs'));
  }

  /** The script built from dashboard.client.ts (present in the build output; undefined when running from sources). */
  get script(): string | undefined {
    if (this.scriptSource === undefined && existsSync(join(here, 'dashboard.client.js'))) this.scriptSource = read('dashboard.client.js');
    return this.scriptSource;
  }

  render(lang: (typeof DASHBOARD_LANGUAGES)[number] = 'en'): string {
    const texts = this.i18n.getResourceBundle(lang, 'translation') as { script: Record<string, string> };
    // Data for the script, inside a non-executed JSON block: '<' is escaped so nothing can close the element.
    const scriptTexts = JSON.stringify(texts.script).replace(/</g, '\\u003c');
    return this.page({ lang, scriptTexts });
  }
}
