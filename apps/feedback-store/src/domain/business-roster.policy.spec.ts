import { decideBusinessAccess, supersedes } from './business-roster.policy';

const at = (iso: string, id = 'e1') => ({ asOf: new Date(iso), sourceEventId: id });
const business = (userId: string) => ({ userId, role: 'business' });
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
      expect(decideBusinessAccess(business(user), roster, 'read-details')).toMatchObject({ allowed: true });
      expect(decideBusinessAccess(business(user), roster, 'record-identification')).toMatchObject({ allowed: true });
    }
  });
  it('shows the audit log of reads to admins only', () => {
    expect(decideBusinessAccess(business('ann'), roster, 'read-audit-log')).toEqual({ allowed: true, role: 'admin' });
    expect(decideBusinessAccess(business('bob'), roster, 'read-audit-log')).toEqual({ allowed: false, reason: expect.stringMatching(/only admins/) });
  });
  it('refuses a user who is not on the latest profile (e.g. removed since the token was issued)', () => {
    expect(decideBusinessAccess(business('carol'), roster, 'read-details')).toEqual({ allowed: false, reason: expect.stringMatching(/not a user of this business/) });
  });
  it('refuses everyone while the business profile is unknown (admin status cannot be told)', () => {
    expect(decideBusinessAccess(business('ann'), undefined, 'read-details')).toMatchObject({ allowed: false });
    expect(decideBusinessAccess(business('ann'), undefined, 'read-audit-log')).toMatchObject({ allowed: false });
  });
  it('follows the roster given: a demoted admin loses the audit log', () => {
    expect(decideBusinessAccess(business('ann'), { users: [{ userId: 'ann', role: 'member' }] }, 'read-audit-log')).toMatchObject({ allowed: false });
  });
  it('lets admins, members and processors read feedback, admins only erase it', () => {
    expect(decideBusinessAccess(business('ann'), roster, 'read-feedback')).toEqual({ allowed: true, role: 'admin' });
    expect(decideBusinessAccess(business('bob'), roster, 'read-feedback')).toEqual({ allowed: true, role: 'member' });
    expect(decideBusinessAccess(business('ann'), roster, 'erase-feedback')).toEqual({ allowed: true, role: 'admin' });
    expect(decideBusinessAccess(business('bob'), roster, 'erase-feedback')).toEqual({ allowed: false, reason: expect.stringMatching(/only admins.*erase feedback/) });
    expect(decideBusinessAccess(business('carol'), roster, 'read-feedback')).toMatchObject({ allowed: false });
  });
  it('gives a processor credential (F13) read access to feedback only: no writes, no shared details', () => {
    const processor = { userId: 'acme-crm', role: 'processor' };
    expect(decideBusinessAccess(processor, roster, 'read-feedback')).toEqual({ allowed: true, role: 'processor' });
    expect(decideBusinessAccess(processor, undefined, 'read-feedback')).toEqual({ allowed: true, role: 'processor' });
    for (const action of ['erase-feedback', 'read-details', 'read-audit-log', 'record-identification'] as const) {
      expect(decideBusinessAccess(processor, roster, action)).toMatchObject({ allowed: false, reason: expect.stringMatching(/processor credentials may not/) });
    }
  });
  it('refuses any other role, even with a user id on the profile', () => {
    expect(decideBusinessAccess({ userId: 'ann', role: 'analyst' }, roster, 'read-feedback')).toMatchObject({ allowed: false });
  });
});
