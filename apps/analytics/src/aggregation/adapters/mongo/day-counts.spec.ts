import { addToDayCounts } from './day-counts';

describe('addToDayCounts', () => {
  it('adds each counter key once per occurrence, at its nested path, to what is stored', () => {
    const stored = { c: { feedback: { requested: 4, csat: { '4': 2 } } } };
    const next = addToDayCounts(stored, { counters: ['feedback.requested', 'feedback.csat.4', 'feedback.csat.5', 'feedback.requested', 'information.sharedFields.email'], custom: [] });
    expect(next).toEqual({ c: { feedback: { requested: 6, csat: { '4': 3, '5': 1 } }, information: { sharedFields: { email: 1 } } } });
  });

  it('starts from nothing for a day never counted', () => {
    expect(addToDayCounts({}, { counters: ['reports.byReason.spam'], custom: [] })).toEqual({ c: { reports: { byReason: { spam: 1 } } } });
  });

  it('keeps stored counters it was not given, even ones it does not know', () => {
    const next = addToDayCounts({ c: { feedback: { declined: 7 }, later: { kind: 3 } } }, { counters: ['feedback.answered'], custom: [] });
    expect(next.c).toEqual({ feedback: { declined: 7, answered: 1 }, later: { kind: 3 } });
  });

  it('adds custom counts by label hash and keeps each hash with its label; an offered option adds 0', () => {
    const stored = { c: {}, custom: { h1: 5 }, labels: { h1: 'Fast' } };
    const next = addToDayCounts(stored, {
      counters: [],
      custom: [
        { key: 'h1', label: 'Fast', by: 1 },
        { key: 'h2', label: 'Slow', by: 0 },
      ],
    });
    expect(next).toEqual({ c: {}, custom: { h1: 6, h2: 0 }, labels: { h1: 'Fast', h2: 'Slow' } });
  });

  it('sets custom and labels only when the increment has custom counts (the stored ones are left as they are)', () => {
    const next = addToDayCounts({ c: {}, custom: { h1: 5 }, labels: { h1: 'Fast' } }, { counters: ['feedback.requested'], custom: [] });
    expect(Object.keys(next)).toEqual(['c']);
  });

  it('leaves the stored counts unchanged (they are the compare-and-set state a retry plans from)', () => {
    const stored = { c: { feedback: { csat: { '3': 1 } } }, custom: { h1: 1 }, labels: { h1: 'A' } };
    const before = structuredClone(stored);
    addToDayCounts(stored, { counters: ['feedback.csat.3'], custom: [{ key: 'h1', label: 'A', by: 1 }] });
    expect(stored).toEqual(before);
  });
});
