import {
  auditRecord,
  decideDetailsRead,
  decideDisclosureWrite,
  decideIdentification,
  DETAILS_READ_PURPOSE,
  isRetentionDue,
  parseDisclosedDetails,
  retentionCutoff,
  retentionEndsAt,
  sharedFieldsOf,
} from './disclosure.policy';

const DAY = 86_400_000;
const facts = { requestId: 'r1', businessId: 'b1', reviewId: 'rv1', requestedBy: 'ann', providedAt: new Date('2026-11-01T10:00:00Z') };
const details = { email: 'pat@example.com', referenceNumber: 'ORD-42' };

describe('parseDisclosedDetails / sharedFieldsOf', () => {
  it('keeps the fields the reviewer shared, in form order', () => {
    const parsed = parseDisclosedDetails(JSON.stringify({ phone: '+32 470 00 00 00', email: 'pat@example.com' }));
    expect(parsed).toEqual({ ok: true, details: { email: 'pat@example.com', phone: '+32 470 00 00 00' } });
    expect(sharedFieldsOf(parsed.ok ? parsed.details : {})).toEqual(['email', 'phone']);
  });
  it('does not count an empty value as shared, and drops unknown keys', () => {
    const parsed = parseDisclosedDetails(JSON.stringify({ email: '', fullName: 'Pat Doe', password: 'x' }));
    expect(parsed).toEqual({ ok: true, details: { fullName: 'Pat Doe' } });
  });
  it('refuses what is not the agreed JSON object', () => {
    expect(parseDisclosedDetails('not json')).toMatchObject({ ok: false });
    expect(parseDisclosedDetails('"pat@example.com"')).toMatchObject({ ok: false });
    expect(parseDisclosedDetails(JSON.stringify({ email: 42 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/email/) });
  });
});

describe('decideDisclosureWrite (write-once)', () => {
  it('stores the first disclosure of a request', () => {
    expect(decideDisclosureWrite({ ...facts, details }, undefined)).toEqual({ action: 'insert' });
  });
  it('ignores a replay with the same facts and values (even re-sealed)', () => {
    expect(decideDisclosureWrite({ ...facts, details: { ...details } }, { ...facts, details })).toMatchObject({ action: 'ignore' });
  });
  it('ignores a replay after the purge, when only the facts are left to compare', () => {
    expect(decideDisclosureWrite({ ...facts, details }, { ...facts })).toMatchObject({ action: 'ignore' });
  });
  it('rejects a second disclosure with other values: the first one is kept', () => {
    const decision = decideDisclosureWrite({ ...facts, details: { email: 'other@example.com' } }, { ...facts, details });
    expect(decision).toMatchObject({ action: 'reject', reason: expect.stringMatching(/other values.*first one is kept/) });
  });
  it('rejects a second disclosure for the same request id with other facts', () => {
    expect(decideDisclosureWrite({ ...facts, businessId: 'b2', details }, { ...facts, details })).toMatchObject({ action: 'reject', reason: expect.stringMatching(/businessId/) });
    expect(decideDisclosureWrite({ ...facts, providedAt: new Date('2026-11-02T00:00:00Z'), details }, { ...facts })).toMatchObject({
      action: 'reject',
      reason: expect.stringMatching(/providedAt/),
    });
  });
});

describe('retention', () => {
  const retention = 90 * DAY;
  it('ends the retention period the configured time after the details were provided', () => {
    expect(retentionEndsAt(facts.providedAt, retention).toISOString()).toBe('2027-01-30T10:00:00.000Z');
  });
  it('is due from the end of the period on, not before', () => {
    const end = retentionEndsAt(facts.providedAt, retention);
    expect(isRetentionDue(facts, new Date(end.getTime() - 1), retention)).toBe(false);
    expect(isRetentionDue(facts, end, retention)).toBe(true);
    expect(isRetentionDue(facts, new Date(end.getTime() + DAY), retention)).toBe(true);
  });
  it('is never due twice: a purged disclosure is left alone', () => {
    expect(isRetentionDue({ ...facts, purgedAt: new Date('2027-01-30T10:00:01Z') }, new Date('2027-06-01T00:00:00Z'), retention)).toBe(false);
  });
  it('gives the store query the same answer as the rule', () => {
    const now = new Date('2027-01-30T10:00:00Z');
    const cutoff = retentionCutoff(now, retention);
    for (const providedAt of [new Date(cutoff.getTime() - 1), cutoff, new Date(cutoff.getTime() + 1)]) {
      expect(providedAt.getTime() <= cutoff.getTime()).toBe(isRetentionDue({ providedAt }, now, retention));
    }
  });
});

describe('decideDetailsRead', () => {
  const stored = { businessId: 'b1', sealed: { keyId: 'k', iv: 'aQ==', tag: 'dA==', ciphertext: 'Yw==' } };
  it('hands the values to the business that asked', () => {
    expect(decideDetailsRead(stored, 'b1')).toEqual({ outcome: 'readable' });
  });
  it('answers another business exactly like an unknown request', () => {
    expect(decideDetailsRead(stored, 'b2')).toEqual(decideDetailsRead(undefined, 'b2'));
    expect(decideDetailsRead(undefined, 'b1')).toEqual({ outcome: 'not_found' });
  });
  it('says the values are gone once purged', () => {
    const purgedAt = new Date('2027-01-30T10:00:00Z');
    expect(decideDetailsRead({ businessId: 'b1', purgedAt }, 'b1')).toEqual({ outcome: 'purged', purgedAt });
  });
  it('records every read with the one fixed purpose', () => {
    const readAt = new Date('2026-11-02T00:00:00Z');
    expect(auditRecord('bob', readAt)).toEqual({ readBy: 'bob', readAt, purpose: DETAILS_READ_PURPOSE });
    expect(DETAILS_READ_PURPOSE).toBe("finding the person in the business's own customer records");
  });
});

describe('decideIdentification', () => {
  const at = new Date('2026-11-03T00:00:00Z');
  it('records the first answer', () => {
    expect(decideIdentification({ businessId: 'b1' }, 'b1', { identified: false, recordedBy: 'bob', recordedAt: at })).toEqual({
      outcome: 'record',
      identification: { identified: false, recordedBy: 'bob', recordedAt: at },
    });
  });
  it('treats repeating the current answer as a no-op (safe retry)', () => {
    const current = { identified: true, recordedBy: 'ann', recordedAt: new Date('2026-11-02T00:00:00Z') };
    expect(decideIdentification({ businessId: 'b1', identification: current }, 'b1', { identified: true, recordedBy: 'bob', recordedAt: at })).toEqual({ outcome: 'unchanged', current });
  });
  it('lets a changed answer replace the previous one (each change is its own event)', () => {
    const current = { identified: true, recordedBy: 'ann', recordedAt: new Date('2026-11-02T00:00:00Z') };
    expect(decideIdentification({ businessId: 'b1', identification: current }, 'b1', { identified: false, recordedBy: 'bob', recordedAt: at })).toMatchObject({
      outcome: 'record',
      identification: { identified: false, recordedBy: 'bob' },
    });
  });
  it('does not reveal another business request', () => {
    expect(decideIdentification({ businessId: 'b1' }, 'b2', { identified: true, recordedBy: 'x', recordedAt: at })).toEqual({ outcome: 'not_found' });
    expect(decideIdentification(undefined, 'b1', { identified: true, recordedBy: 'x', recordedAt: at })).toEqual({ outcome: 'not_found' });
  });
});
