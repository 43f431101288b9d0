/** @feedback/i18n: which languages the platform speaks and how a person's language is chosen. */
export * from './languages';
export * from './localized-pages';
