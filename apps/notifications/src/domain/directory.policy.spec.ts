import { supersedes } from './directory.policy';

const at = (iso: string, id = 'e1') => ({ asOf: new Date(iso), sourceEventId: id });

describe('supersedes', () => {
  it('takes the first profile of a person', () => {
    expect(supersedes(at('2026-11-01T00:00:00Z'), undefined)).toBe(true);
  });
  it('lets a newer profile replace an older one', () => {
    expect(supersedes(at('2026-11-02T00:00:00Z'), at('2026-11-01T00:00:00Z'))).toBe(true);
  });
  it('never lets a late, older profile overwrite a newer one', () => {
    expect(supersedes(at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))).toBe(false);
  });
  it('ignores a redelivery of the stored event', () => {
    expect(supersedes(at('2026-11-01T00:00:00Z', 'e1'), at('2026-11-01T00:00:00Z', 'e1'))).toBe(false);
  });
  it('breaks a tie between events of the same instant the same way on every consumer', () => {
    expect(supersedes(at('2026-11-01T00:00:00Z', 'b'), at('2026-11-01T00:00:00Z', 'a'))).toBe(true);
    expect(supersedes(at('2026-11-01T00:00:00Z', 'a'), at('2026-11-01T00:00:00Z', 'b'))).toBe(false);
  });
});
