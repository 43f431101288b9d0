import Handlebars from 'handlebars';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileTemplateFile, perLanguage } from '@feedback/i18n';
import type { EmailFacts, EmailKind } from '../../domain/email.types';
import { Translator } from './translator';

/** What the pipeline knows when it renders an email; templates see all of it. */
export interface EmailContent<TKind extends EmailKind = EmailKind> {
  kind: TKind;
  /** The language to write in, already resolved (`resolveLanguage` of @feedback/i18n). */
  language: string;
  facts: EmailFacts[TKind];
  business: { name: string; privacyPolicyUrl?: string; referenceNumberLabel?: string };
  recipientName?: string;
  /** The signed respondent link, for kinds that carry one. */
  link?: string;
}

export interface RenderedEmail {
  /** The language the email is written in: its Content-Language and `<html lang>`. */
  language: string;
  subject: string;
  html: string;
  text: string;
}

type Template = Handlebars.TemplateDelegate;
interface KindTemplates {
  subject: Template;
  html: Template;
  text: Template;
}

/** Folders of templates and texts, next to this file in the source and in dist (the build copies them). */
export const TEMPLATES_DIR = join(__dirname, 'templates');
export const LOCALES_DIR = join(__dirname, 'locales');

/**
 * Builds emails from handlebars templates: `templates/layout/{html,text}.hbs`
 * and, per kind, `templates/<kind>/{subject,html,text}.hbs`. Every text comes
 * from the translator (`{{t "key" name=value}}`), so one template serves every
 * language. HTML output is escaped; the subject and the plain-text part are not.
 */
export class EmailRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly layouts: { html: Template; text: Template };
  private readonly templates = new Map<string, KindTemplates>();

  constructor(
    readonly translator: Translator,
    templatesDir = TEMPLATES_DIR,
  ) {
    this.registerHelpers();
    // Parsed now (compileTemplateFile): a broken template stops the service at boot, not an email.
    const compile = (file: string, escape: boolean) => compileTemplateFile(this.handlebars, file, { noEscape: !escape });
    this.layouts = { html: compile(join(templatesDir, 'layout', 'html.hbs'), true), text: compile(join(templatesDir, 'layout', 'text.hbs'), false) };
    for (const kind of readdirSync(templatesDir, { withFileTypes: true })) {
      if (!kind.isDirectory() || kind.name === 'layout') continue;
      const dir = join(templatesDir, kind.name);
      const missing = ['subject.hbs', 'html.hbs', 'text.hbs'].filter((file) => !existsSync(join(dir, file)));
      if (missing.length) throw new Error(`email kind ${kind.name} lacks ${missing.join(', ')}`);
      this.templates.set(kind.name, {
        subject: compile(join(dir, 'subject.hbs'), false),
        html: compile(join(dir, 'html.hbs'), true),
        text: compile(join(dir, 'text.hbs'), false),
      });
    }
  }

  /** The renderer of the built-in templates and locales. */
  static fromDisk(): EmailRenderer {
    return new EmailRenderer(Translator.fromDirectory(LOCALES_DIR));
  }

  /** The kinds that have templates. */
  get kinds(): string[] {
    return [...this.templates.keys()];
  }

  render(content: EmailContent): RenderedEmail {
    const templates = this.templates.get(content.kind);
    if (!templates) throw new Error(`no templates for email kind ${content.kind}`);
    const context = { ...content.facts, lang: content.language, business: content.business, recipientName: content.recipientName, link: content.link };
    const subject = templates.subject(context).replace(/\s+/g, ' ').trim();
    const html = this.layouts.html({ ...context, subject, body: templates.html(context).trim() });
    const text = this.layouts.text({ ...context, body: templates.text(context).trim() });
    return { language: content.language, subject, html, text: tidyText(text) };
  }

  private registerHelpers(): void {
    const hb = this.handlebars;
    const t = this.translator;
    const lang = (options: Handlebars.HelperOptions): string => (options.data as { root: { lang: string } }).root.lang;
    const business = (options: Handlebars.HelperOptions) => (options.data as { root: { business?: EmailContent['business'] } }).root.business;
    const fieldName = (field: string, options: Handlebars.HelperOptions): string => {
      // The business's own label for "reference number" replaces ours (I4).
      const label = field === 'referenceNumber' ? business(options)?.referenceNumberLabel : undefined;
      return label ?? t.t(lang(options), `fields.${field}`);
    };

    hb.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => t.t(lang(options), key, options.hash as Record<string, unknown>));
    hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hb.registerHelper('fieldName', fieldName);
    hb.registerHelper('fieldList', (fields: string[], options: Handlebars.HelperOptions) => listFormat(lang(options)).format(fields.map((field) => fieldName(field, options))));
    hb.registerHelper('capitalize', (text: string, options: Handlebars.HelperOptions) => text.charAt(0).toLocaleUpperCase(lang(options)) + text.slice(1));
    // Instants are shown in UTC, named as such: the reader's time zone is unknown.
    hb.registerHelper('date', (iso: string, options: Handlebars.HelperOptions) => dateFormat(lang(options)).format(new Date(iso)));
    hb.registerHelper('dateTime', (iso: string, options: Handlebars.HelperOptions) => dateTimeFormat(lang(options)).format(new Date(iso)));
  }
}

const listFormat = perLanguage((language) => new Intl.ListFormat(language, { type: 'conjunction' }));
const dateFormat = perLanguage((language) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }));
const dateTimeFormat = perLanguage(
  (language) => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }),
);

/** Trailing spaces off, at most one blank line in a row, one final newline. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
