import i18next, { type i18n, type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FALLBACK_LANGUAGE } from '@feedback/i18n';

/** One locale's texts: nested objects of strings (i18next JSON resources). */
export interface LocaleResource {
  [key: string]: string | LocaleResource;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/**
 * Email texts per language, through i18next (`locales/<lng>.json`, nested
 * keys, `{{name}}` interpolation). A key missing in a language falls back to
 * English, a key missing everywhere comes back as the key itself, and an
 * interpolation value that was not given stays visible as `{{name}}`: the
 * renderer specs look for both. Values are not escaped here: the HTML
 * templates escape, the plain-text part must not.
 */
export class Translator {
  private readonly i18n: i18n;
  /** A bound translation function per language, made once (several texts per email). */
  private readonly fixed = new Map<string, TFunction>();

  constructor(
    private readonly resources: Record<string, LocaleResource>,
    readonly fallbackLanguage: string = FALLBACK_LANGUAGE,
  ) {
    if (!resources[fallbackLanguage]) throw new Error(`no ${fallbackLanguage} texts: the fallback language must exist`);
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      fallbackLng: fallbackLanguage,
      resources: Object.fromEntries(Object.entries(resources).map(([language, translation]) => [language, { translation }])),
      interpolation: { escapeValue: false },
    });
  }

  /** Loads every `<lng>.json` of a folder. */
  static fromDirectory(directory: string, fallbackLanguage: string = FALLBACK_LANGUAGE): Translator {
    const resources = Object.fromEntries(
      readdirSync(directory)
        .filter((file) => file.endsWith('.json'))
        .map((file) => [basename(file, '.json'), JSON.parse(readFileSync(join(directory, file), 'utf8')) as LocaleResource]),
    );
    return new Translator(resources, fallbackLanguage);
  }

  get languages(): string[] {
    return Object.keys(this.resources);
  }

  /** Every key a language defines, flattened with dots (`informationRequest.subject`). */
  keys(language: string): string[] {
    return flatten(this.resources[language] ?? {});
  }

  /** The text of a key in exactly this language, without fallback or interpolation. */
  raw(language: string, key: string): string | undefined {
    const text: unknown = this.i18n.getResource(language, 'translation', key);
    return typeof text === 'string' ? text : undefined;
  }

  t(language: string, key: string, values: Record<string, unknown> = {}): string {
    let translate = this.fixed.get(language);
    if (!translate) this.fixed.set(language, (translate = this.i18n.getFixedT(language)));
    return translate(key, values);
  }
}

/** The `{{name}}` placeholders a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!).sort();
}

function flatten(resource: LocaleResource, prefix = ''): string[] {
  return Object.entries(resource).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`)));
}
