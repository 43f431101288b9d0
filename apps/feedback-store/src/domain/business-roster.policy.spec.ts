import { decideBusinessAccess, supersedes } from './business-roster.policy';

const at = (iso: string, id = 'e1') => ({ asOf: new Date(iso), sourceEventId: id });
const roster = { users: [{ userId: 'ann', role: 'admin' as const }, { userId: 'bob', role: 'member' as const }] };

describe('supersedes (latest business profile wins)', () => {
  it('takes the first profile of a business', () => {
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
  it('breaks a tie between events of the same instant by event id, the same way everywhere', () => {
    expect(supersedes(at('2026-11-01T00:00:00Z', 'b'), at('2026-11-01T00:00:00Z', 'a'))).toBe(true);
    expect(supersedes(at('2026-11-01T00:00:00Z', 'a'), at('2026-11-01T00:00:00Z', 'b'))).toBe(false);
  });
});

describe('decideBusinessAccess', () => {
  it('lets admins and members read shared details and record identification', () => {
    for (const user of ['ann', 'bob']) {
      expect(decideBusinessAccess(user, roster, 'read-details')).toMatchObject({ allowed: true });
      expect(decideBusinessAccess(user, roster, 'record-identification')).toMatchObject({ allowed: true });
    }
  });
  it('shows the audit log of reads to admins only', () => {
    expect(decideBusinessAccess('ann', roster, 'read-audit-log')).toEqual({ allowed: true, role: 'admin' });
    expect(decideBusinessAccess('bob', roster, 'read-audit-log')).toEqual({ allowed: false, reason: expect.stringMatching(/only admins/) });
  });
  it('refuses a user who is not on the latest profile (e.g. removed since the token was issued)', () => {
    expect(decideBusinessAccess('carol', roster, 'read-details')).toEqual({ allowed: false, reason: expect.stringMatching(/not a user of this business/) });
  });
  it('refuses everyone while the business profile is unknown (admin status cannot be told)', () => {
    expect(decideBusinessAccess('ann', undefined, 'read-details')).toMatchObject({ allowed: false });
    expect(decideBusinessAccess('ann', undefined, 'read-audit-log')).toMatchObject({ allowed: false });
  });
  it('follows the roster given: a demoted admin loses the audit log', () => {
    expect(decideBusinessAccess('ann', { users: [{ userId: 'ann', role: 'member' }] }, 'read-audit-log')).toMatchObject({ allowed: false });
  });
});
