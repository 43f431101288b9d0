import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { InformationDisclosed } from '@feedback/contracts';
import { DomainError } from '@feedback/http';
import { EventPublisher, PermanentEventError } from '@feedback/messaging';
import { KeyRing } from '@feedback/pii';
import type { OutboxEntry, OutboxRelay } from '@feedback/service-kit';
import type { DisclosureReadRepository } from './adapters/mongo/disclosure-read.repository';
import type { DisclosureRepository, NewDisclosure, StoredDisclosure } from './adapters/mongo/disclosure.repository';
import { DisclosuresService } from './disclosures.service';
import { DETAILS_READ_PURPOSE } from './domain/disclosure.policy';
import type { DetailsRead, Identification } from './domain/disclosure.types';

const DAY = 86_400_000;

beforeAll(() => Logger.overrideLogger(false));
const ring = new KeyRing([{ id: 'k1', key: Buffer.alloc(32, 7) }]);

/** The repository's contract, in memory: insert-once on the request id, conditional identification. */
class FakeDisclosures {
  readonly docs = new Map<string, NewDisclosure & { outbox: OutboxEntry[] }>();
  async findByRequestId(requestId: string): Promise<StoredDisclosure | undefined> {
    const doc = this.docs.get(requestId);
    return doc && structuredClone(doc);
  }
  async insertOnce(disclosure: NewDisclosure): Promise<boolean> {
    if (this.docs.has(disclosure.requestId)) return false;
    this.docs.set(disclosure.requestId, { ...structuredClone(disclosure), outbox: [] });
    return true;
  }
  async recordIdentification(requestId: string, businessId: string, identification: Identification, event: OutboxEntry): Promise<boolean> {
    const doc = this.docs.get(requestId);
    if (!doc || doc.businessId !== businessId || doc.identification?.identified === identification.identified) return false;
    doc.identification = identification;
    doc.outbox.push(event);
    return true;
  }
  async purgeProvidedUpTo(cutoff: Date, now: Date): Promise<number> {
    let purged = 0;
    for (const doc of this.docs.values()) {
      if (doc.purgedAt || doc.providedAt > cutoff) continue;
      delete doc.sealed;
      doc.purgedAt = now;
      purged++;
    }
    return purged;
  }
}

class FakeReads {
  readonly log: (DetailsRead & { requestId: string })[] = [];
  async append(requestId: string, _businessId: string, read: DetailsRead): Promise<void> {
    this.log.push({ ...read, requestId });
  }
}

function setup(retentionMs = 90 * DAY, keyRing: KeyRing = ring) {
  const disclosures = new FakeDisclosures();
  const reads = new FakeReads();
  const flushed: unknown[] = [];
  const relay = { flush: async (_collection: string, id: unknown) => void flushed.push(id) } as unknown as OutboxRelay;
  const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka, 'feedback-store');
  const service = new DisclosuresService(
    disclosures as unknown as DisclosureRepository,
    reads as unknown as DisclosureReadRepository,
    keyRing,
    publisher,
    relay,
    { retentionMs, sweepIntervalMs: 1000 },
  );
  return { service, disclosures, reads, flushed };
}

const providedAt = new Date('2026-11-21T10:00:00.000Z');
const now = new Date('2026-11-22T10:00:00.000Z');
function event(values: unknown, overrides: Partial<InformationDisclosed> = {}, context = 'disclosure:r1'): InformationDisclosed {
  return { requestId: 'r1', businessId: 'b1', reviewId: 'rv1', requestedBy: 'ann', providedAt: providedAt.toISOString(), sealed: ring.sealJson(values, context), ...overrides };
}
const source = { eventId: 'e1', correlationId: 'c1' };

describe('DisclosuresService.store (InformationDisclosed, write-once)', () => {
  it('keeps the values sealed exactly as they arrived, with the names of the shared fields', async () => {
    const { service, disclosures } = setup();
    const incoming = event({ phone: '+32 470', email: 'pat@example.com' });
    await service.store(incoming, source, now);
    expect(disclosures.docs.get('r1')).toMatchObject({ sealed: incoming.sealed, sharedFields: ['email', 'phone'], providedAt, sourceEventId: 'e1', receivedAt: now });
    expect(JSON.stringify([...disclosures.docs.values()])).not.toContain('pat@example.com');
  });

  it('ignores a re-sealed replay and dead-letters a conflicting one, keeping the first record', async () => {
    const { service, disclosures } = setup();
    const first = event({ email: 'pat@example.com' });
    await service.store(first, source, now);
    await service.store(event({ email: 'pat@example.com' }), { eventId: 'e2', correlationId: 'c2' }, now);
    await expect(service.store(event({ email: 'other@example.com' }), { eventId: 'e3', correlationId: 'c3' }, now)).rejects.toBeInstanceOf(PermanentEventError);
    await expect(service.store(event({ email: 'pat@example.com' }, { businessId: 'b2' }), { eventId: 'e4', correlationId: 'c4' }, now)).rejects.toThrow(/businessId/);
    expect(disclosures.docs.get('r1')).toMatchObject({ sealed: first.sealed, sourceEventId: 'e1' });
  });

  it('dead-letters values it cannot open or read (wrong context, unknown key, not the agreed JSON)', async () => {
    const { service, disclosures } = setup();
    await expect(service.store(event({ email: 'x@example.com' }, {}, 'disclosure:another'), source, now)).rejects.toBeInstanceOf(PermanentEventError);
    await expect(service.store(event({ email: 'x@example.com' }, { sealed: { ...ring.sealJson({}, 'disclosure:r1'), keyId: 'gone' } }), source, now)).rejects.toThrow(/key gone/);
    await expect(service.store(event(['not', 'an', 'object']), source, now)).rejects.toBeInstanceOf(PermanentEventError);
    expect(disclosures.docs.size).toBe(0);
  });

  it('keeps only the facts of a disclosure that arrives after its retention ended', async () => {
    const { service, disclosures } = setup(DAY / 2);
    await service.store(event({ email: 'late@example.com' }), source, now);
    expect(disclosures.docs.get('r1')).toMatchObject({ sharedFields: ['email'], purgedAt: now });
    expect(disclosures.docs.get('r1')?.sealed).toBeUndefined();
  });
});

describe('DisclosuresService.readDetails', () => {
  it('writes the audit record, then hands out the values', async () => {
    const { service, reads } = setup();
    await service.store(event({ email: 'pat@example.com', fullName: 'Pat' }), source, now);
    const shared = await service.readDetails('b1', 'r1', 'bob', now);
    expect(shared).toEqual({
      requestId: 'r1',
      reviewId: 'rv1',
      sharedFields: ['email', 'fullName'],
      details: { email: 'pat@example.com', fullName: 'Pat' },
      providedAt,
      retentionEndsAt: new Date(providedAt.getTime() + 90 * DAY),
    });
    expect(reads.log).toEqual([{ requestId: 'r1', readBy: 'bob', readAt: now, purpose: DETAILS_READ_PURPOSE }]);
  });

  it('logs nothing for a refused read: unknown, another business, purged', async () => {
    const { service, reads } = setup();
    await service.store(event({ email: 'pat@example.com' }), source, now);
    await expect(service.readDetails('b2', 'r1', 'eve', now)).rejects.toMatchObject({ statusCode: 404, code: 'not_found' });
    await expect(service.readDetails('b1', 'nope', 'bob', now)).rejects.toMatchObject({ statusCode: 404, code: 'not_found' });
    expect(await service.purgeDue(new Date(providedAt.getTime() + 90 * DAY))).toBe(1);
    await expect(service.readDetails('b1', 'r1', 'bob', now)).rejects.toMatchObject({ statusCode: 410, code: 'purged' });
    expect(reads.log).toEqual([]);
  });
});

describe('DisclosuresService and key rotation (PII_ENCRYPTION_KEYS)', () => {
  const newKey = { id: 'k2', key: Buffer.alloc(32, 4) };

  it('reads values sealed with the old key after the new key was put first', async () => {
    const before = setup();
    await before.service.store(event({ email: 'pat@example.com' }), source, now);
    const rotated = setup(90 * DAY, new KeyRing([newKey, { id: 'k1', key: Buffer.alloc(32, 7) }]));
    rotated.disclosures.docs.set('r1', before.disclosures.docs.get('r1')!);
    expect((await rotated.service.readDetails('b1', 'r1', 'bob', now)).details).toEqual({ email: 'pat@example.com' });
  });

  it('answers 503 encryption_key_unavailable without values or key material once the old key is gone, and audit-logs nothing', async () => {
    const before = setup();
    await before.service.store(event({ email: 'pat@example.com' }), source, now);
    const withoutOld = setup(90 * DAY, new KeyRing([newKey]));
    withoutOld.disclosures.docs.set('r1', before.disclosures.docs.get('r1')!);
    const refusal = await withoutOld.service.readDetails('b1', 'r1', 'bob', now).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ statusCode: 503, code: 'encryption_key_unavailable' });
    expect((refusal as Error).message).not.toMatch(/pat@example\.com|k1|BwcH/);
    expect(withoutOld.reads.log).toEqual([]);
    // another business still gets the same 404 as before: the missing key reveals nothing
    await expect(withoutOld.service.readDetails('b2', 'r1', 'eve', now)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('DisclosuresService.recordIdentification', () => {
  it('stores each change with its IdentificationRecorded event in the same write, then flushes the outbox', async () => {
    const { service, disclosures, flushed } = setup();
    await service.store(event({ email: 'pat@example.com' }), source, now);
    expect(await service.recordIdentification('b1', 'r1', false, 'bob')).toMatchObject({ changed: true, identification: { identified: false, recordedBy: 'bob' } });
    expect(await service.recordIdentification('b1', 'r1', false, 'ann')).toMatchObject({ changed: false, identification: { recordedBy: 'bob' } });
    expect(await service.recordIdentification('b1', 'r1', true, 'ann')).toMatchObject({ changed: true });

    const outbox = disclosures.docs.get('r1')!.outbox;
    expect(outbox.map((e) => [e.topic, e.key])).toEqual([
      ['info.requests.v1', 'r1'],
      ['info.requests.v1', 'r1'],
    ]);
    const emitted = outbox.map((e) => JSON.parse(e.value) as { type: string; correlationId: string; data: Record<string, unknown> });
    expect(emitted[0]).toMatchObject({ type: 'IdentificationRecorded', correlationId: 'c1', data: { requestId: 'r1', businessId: 'b1', reviewId: 'rv1', identified: false, recordedBy: 'bob' } });
    expect(emitted[1]).toMatchObject({ data: { identified: true, recordedBy: 'ann' } });
    expect(flushed).toEqual(['r1', 'r1']);
  });

  it('does not reveal requests of another business', async () => {
    const { service } = setup();
    await service.store(event({ email: 'pat@example.com' }), source, now);
    await expect(service.recordIdentification('b2', 'r1', true, 'eve')).rejects.toBeInstanceOf(DomainError);
    await expect(service.recordIdentification('b2', 'r1', true, 'eve')).rejects.toMatchObject({ statusCode: 404 });
  });
});
