import i18next, { type i18n } from 'i18next';
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
  /**
   * Each language's text of a key, as i18next resolves it (fallback language,
   * then the key itself) with its placeholders left in: resolved once, then
   * only interpolated. i18next's own `t` was ~6 % of the service's CPU per
   * email (a dozen texts each); the locales use plain `{{name}}` placeholders
   * only (no plurals, nesting or formats: translator.spec checks every file).
   */
  private readonly texts = new Map<string, Map<string, string>>();

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
    let texts = this.texts.get(language);
    if (!texts) this.texts.set(language, (texts = new Map()));
    let text = texts.get(key);
    if (text === undefined) {
      // Without values, i18next leaves every placeholder as it is written.
      text = this.i18n.getFixedT(language)(key);
      texts.set(key, text);
    }
    // As i18next interpolates: a value given replaces its placeholder, unescaped (undefined and null as nothing);
    // a name not among the values stays visible.
    return text.replace(PLACEHOLDER, (placeholder, name: string) => {
      const value = valueAt(values, name);
      return value === NOT_GIVEN ? placeholder : value === undefined || value === null ? '' : String(value);
    });
  }
}

const NOT_GIVEN = Symbol('not given');

/** `a.b` in `{ a: { b: 1 } }`, as i18next reads a dotted placeholder; NOT_GIVEN when a step is not there. */
function valueAt(values: Record<string, unknown>, path: string): unknown {
  let value: unknown = values;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return NOT_GIVEN;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The `{{name}}` placeholders a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!).sort();
}

function flatten(resource: LocaleResource, prefix = ''): string[] {
  return Object.entries(resource).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`)));
}
