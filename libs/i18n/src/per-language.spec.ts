import { perLanguage } from './per-language';

describe('perLanguage', () => {
  it('makes one value per language, on first use, and hands the same one back after', () => {
    const made: string[] = [];
    const formatter = perLanguage((language) => {
      made.push(language);
      return { language };
    });
    const first = formatter('fr');
    expect(formatter('fr')).toBe(first);
    expect(formatter('de')).toEqual({ language: 'de' });
    expect(made).toEqual(['fr', 'de']);
  });
});
