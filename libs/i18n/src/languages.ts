/** Languages the platform's emails and pages are written in. */
export const SUPPORTED_LANGUAGES = ['en', 'nl', 'da', 'de', 'fr', 'es'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: SupportedLanguage = 'en';

/**
 * The language to use for someone who prefers `preferred` (a BCP 47 tag such as
 * `nl-BE`): that language if supported, else its base language (`nl`), else English.
 */
export function resolveLanguage(preferred: string | undefined, supported: readonly string[] = SUPPORTED_LANGUAGES): string {
  if (!preferred) return FALLBACK_LANGUAGE;
  const tag = preferred.trim().toLowerCase();
  const exact = supported.find((lang) => lang.toLowerCase() === tag);
  if (exact) return exact;
  const base = tag.split('-')[0];
  return supported.find((lang) => lang.toLowerCase() === base) ?? FALLBACK_LANGUAGE;
}

/** The best supported language of an `Accept-Language` header, by quality. */
export function languageFromAcceptHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag?.trim() ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const entry of ranked) {
    const lang = resolveLanguage(entry.tag);
    if (lang !== FALLBACK_LANGUAGE || entry.tag.toLowerCase().startsWith(FALLBACK_LANGUAGE)) return lang;
  }
  return undefined;
}
