/**
 * One value per language, made on first use and kept: making an Intl
 * formatter costs far more than formatting with it. Meant for languages
 * already resolved to a supported one (a bounded set), never raw input.
 */
export function perLanguage<T>(make: (language: string) => T): (language: string) => T {
  const made = new Map<string, T>();
  return (language) => {
    let value = made.get(language);
    if (value === undefined) made.set(language, (value = make(language)));
    return value;
  };
}
