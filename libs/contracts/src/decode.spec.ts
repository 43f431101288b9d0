import { randomUUID } from 'node:crypto';
import { decodeEvent, MAX_MESSAGE_BYTES } from './decode';
import { upstreamUsersTopic } from './topics/upstream-users';
import { topicsToProvision } from './registry';

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'UserProfileUpdated',
    version: 1,
    occurredAt: '2026-11-21T10:00:00.000Z',
    source: 'users',
    correlationId: randomUUID(),
    data: { userId: 'u1', email: 'ann@example.com', preferredLanguage: 'nl-BE', displayName: 'Ann' },
    ...overrides,
  };
}
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeEvent', () => {
  it('accepts a valid event and returns its parsed payload', () => {
    const result = decodeEvent(upstreamUsersTopic, bytes(envelope()));
    expect(result.outcome).toBe('event');
    if (result.outcome === 'event') expect(result.envelope.data).toMatchObject({ userId: 'u1', preferredLanguage: 'nl-BE' });
  });

  it('skips a well-formed envelope of a type the topic does not define', () => {
    expect(decodeEvent(upstreamUsersTopic, bytes(envelope({ type: 'UserMerged', data: {} }))).outcome).toBe('unknown-type');
  });

  it.each([
    ['bad JSON', Buffer.from('{"id": '), /not valid JSON/],
    ['an empty value', Buffer.alloc(0), /empty/],
    ['a missing envelope field', bytes({ ...envelope(), id: undefined }), /invalid envelope: id/],
    ['a non-uuid id', bytes(envelope({ id: 'nope' })), /invalid envelope: id/],
    ['a payload that breaks the schema', bytes(envelope({ data: { userId: 'u1', email: 'not-an-email' } })), /invalid UserProfileUpdated data: email/],
    ['an unknown version', bytes(envelope({ version: 2 })), /unsupported version 2/],
    ['a huge payload', Buffer.alloc(MAX_MESSAGE_BYTES + 1, 32), /exceeds/],
  ])('dead-letters %s with a readable reason', (_label, value, reason) => {
    const result = decodeEvent(upstreamUsersTopic, value as Buffer);
    expect(result.outcome).toBe('invalid');
    if (result.outcome === 'invalid') expect(result.reason).toMatch(reason as RegExp);
  });
});

describe('topicsToProvision', () => {
  it('provisions every DESIGN.md topic with several partitions, plus a dead-letter topic each', () => {
    const names = topicsToProvision().map((t) => t.name);
    for (const name of [
      'upstream.conversations.v1', 'upstream.reviews.v1', 'upstream.users.v1', 'upstream.businesses.v1',
      'feedback.requests.v1', 'info.requests.v1', 'info.disclosures.v1', 'reports.v1', 'notifications.v1',
    ]) {
      expect(names).toContain(name);
      expect(names).toContain(`${name}.dlq`);
    }
    expect(topicsToProvision().filter((t) => !t.name.endsWith('.dlq')).every((t) => t.partitions >= 3)).toBe(true);
  });
});
