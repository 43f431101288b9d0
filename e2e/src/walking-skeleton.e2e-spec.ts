import { randomUUID } from 'node:crypto';
import { collect, envelope, eventually, publish, serviceUrl, token, withDatabase } from './support';

const USERS = 'upstream.users.v1';
const integrity = () => ({ authorization: `Bearer ${token('integrity')}` });

async function contact(userId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${serviceUrl('notifications')}/v1/contacts/${encodeURIComponent(userId)}`, { headers: integrity() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function profile(userId: string, email: string, language: string, occurredAt = new Date().toISOString()) {
  return envelope('UserProfileUpdated', { userId, email, preferredLanguage: language, displayName: 'Test Person' }, { occurredAt });
}

describe('walking skeleton: upstream.users.v1 -> notifications contact directory', () => {
  it('stores a UserProfileUpdated as a contact, email encrypted at rest', async () => {
    const userId = `u-${randomUUID()}`;
    const email = `ann.${randomUUID()}@example.com`;
    await publish(USERS, [{ key: userId, value: JSON.stringify(profile(userId, email, 'nl-BE')) }]);

    const found = await eventually('the contact', async () => {
      const result = await contact(userId);
      return result.status === 200 ? result.body : undefined;
    });
    expect(found).toMatchObject({ userId, email: 'a***@example.com', preferredLanguage: 'nl-BE' });

    const stored = await withDatabase('notifications', (db) => db.collection('contacts').findOne({ _id: userId as never }));
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(email);
    expect(stored).toMatchObject({ sealedEmail: { keyId: expect.any(String), ciphertext: expect.any(String) } });
  });

  it('keeps the newest profile when an older one arrives late', async () => {
    const userId = `u-${randomUUID()}`;
    await publish(USERS, [{ key: userId, value: JSON.stringify(profile(userId, 'new@example.com', 'da', '2026-11-20T10:00:00.000Z')) }]);
    await eventually('the first profile', async () => ((await contact(userId)).status === 200 ? true : undefined));
    const late = profile(userId, 'old@example.com', 'fr', '2026-11-01T10:00:00.000Z');
    const marker = `u-${randomUUID()}`;
    await publish(USERS, [
      { key: userId, value: JSON.stringify(late) },
      // Same partition as `late` (same key would be better, but a marker user tells us when the late one was consumed).
      { key: userId, value: JSON.stringify(profile(userId, 'new@example.com', 'da', '2026-11-20T10:00:00.000Z')) },
      { key: marker, value: JSON.stringify(profile(marker, 'm@example.com', 'en')) },
    ]);
    await eventually('the marker profile', async () => ((await contact(marker)).status === 200 ? true : undefined));
    await eventually('the late event to be processed', () =>
      withDatabase('notifications', async (db) => ((await db.collection('processed_events').findOne({ _id: late.id as never })) ? true : undefined)),
    );
    expect((await contact(userId)).body).toMatchObject({ preferredLanguage: 'da', email: 'n***@example.com' });
  });

  it('processes a redelivered event once (idempotent on the event id)', async () => {
    const userId = `u-${randomUUID()}`;
    const event = profile(userId, 'dup@example.com', 'es');
    await publish(USERS, [{ key: userId, value: JSON.stringify(event) }, { key: userId, value: JSON.stringify(event) }]);
    await eventually('the contact', async () => ((await contact(userId)).status === 200 ? true : undefined));
    const marks = await withDatabase('notifications', (db) => db.collection('processed_events').countDocuments({ _id: event.id as never }));
    expect(marks).toBe(1);
  });

  it('dead-letters a malformed message with its reason and original bytes, then keeps consuming', async () => {
    const poisonKey = `poison-${randomUUID()}`;
    const poison = `{"id": "${randomUUID()}", "type": "UserProfileUpdated", broken`;
    const schemaBreaker = JSON.stringify(envelope('UserProfileUpdated', { userId: poisonKey, email: 'not-an-email' }));
    const unknownType = JSON.stringify(envelope('UserMerged', { userId: poisonKey }));
    const goodUser = `u-${randomUUID()}`;
    await publish(USERS, [
      { key: poisonKey, value: poison },
      { key: poisonKey, value: schemaBreaker },
      { key: poisonKey, value: unknownType },
      { key: goodUser, value: JSON.stringify(profile(goodUser, 'after.poison@example.com', 'de')) },
    ]);

    await eventually('the good message after the poison', async () => ((await contact(goodUser)).status === 200 ? true : undefined));
    const letters = await collect(`${USERS}.dlq`, (m) => m.key?.toString() === poisonKey, (found) => found.length >= 2);
    expect(letters).toHaveLength(2);
    const [first, second] = letters;
    expect(first!.value!.toString()).toBe(poison);
    expect(first!.headers).toMatchObject({ 'dlq-original-topic': Buffer.from(USERS), 'dlq-consumer-group': Buffer.from('notifications') });
    expect(first!.headers!['dlq-reason']!.toString()).toMatch(/not valid JSON/);
    expect(first!.headers!['dlq-original-partition']!.toString()).toMatch(/^\d+$/);
    expect(first!.headers!['dlq-original-offset']!.toString()).toMatch(/^\d+$/);
    expect(second!.value!.toString()).toBe(schemaBreaker);
    expect(second!.headers!['dlq-reason']!.toString()).toMatch(/invalid UserProfileUpdated data: .*email/);
    // The unknown type was skipped, not dead-lettered (only two letters for this key).
  });
});
