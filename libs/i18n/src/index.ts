/** @feedback/i18n: which languages the platform speaks, how a person's language is chosen, and the pages shown in it. */
export * from './languages';
export * from './per-language';
export * from './localized-pages';
export * from './template-file';
