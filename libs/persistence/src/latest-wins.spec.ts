import { isNewerVersion, newestPerId, type LatestWrite } from './latest-wins';

const at = (iso: string, sourceEventId: string) => ({ asOf: new Date(iso), sourceEventId });
const write = (id: string, iso: string, sourceEventId: string, name: string): LatestWrite => ({ id, version: at(iso, sourceEventId), fields: { name } });

describe('isNewerVersion', () => {
  it('lets the later event win, whatever its id', () => {
    expect(isNewerVersion(at('2026-12-01T10:00:01Z', 'a'), at('2026-12-01T10:00:00Z', 'z'))).toBe(true);
    expect(isNewerVersion(at('2026-12-01T10:00:00Z', 'z'), at('2026-12-01T10:00:01Z', 'a'))).toBe(false);
  });

  it('breaks a tie of the same instant by the greater event id, and an event never replaces itself', () => {
    expect(isNewerVersion(at('2026-12-01T10:00:00Z', 'b'), at('2026-12-01T10:00:00Z', 'a'))).toBe(true);
    expect(isNewerVersion(at('2026-12-01T10:00:00Z', 'a'), at('2026-12-01T10:00:00Z', 'b'))).toBe(false);
    expect(isNewerVersion(at('2026-12-01T10:00:00Z', 'a'), at('2026-12-01T10:00:00Z', 'a'))).toBe(false);
  });
});

describe('newestPerId', () => {
  it('keeps, of a batch’s writes to one document, the one that wins in any order', () => {
    const writes = [
      write('u1', '2026-12-01T10:00:00Z', 'e1', 'first'),
      write('u2', '2026-12-01T09:00:00Z', 'e2', 'other'),
      write('u1', '2026-12-01T11:00:00Z', 'e3', 'latest'),
      write('u1', '2026-12-01T10:30:00Z', 'e4', 'late arrival'),
      write('u1', '2026-12-01T11:00:00Z', 'e0', 'same instant, smaller id'),
    ];
    const kept = (batch: LatestWrite[]) => newestPerId(batch).map((w) => [w.id, w.fields['name']]).sort();
    expect(kept(writes)).toEqual([['u1', 'latest'], ['u2', 'other']]);
    expect(kept([...writes].reverse())).toEqual([['u1', 'latest'], ['u2', 'other']]);
  });

  it('keeps a redelivered event once', () => {
    const again = write('u1', '2026-12-01T10:00:00Z', 'e1', 'same');
    expect(newestPerId([again, { ...again }])).toHaveLength(1);
    expect(newestPerId([])).toEqual([]);
  });
});
