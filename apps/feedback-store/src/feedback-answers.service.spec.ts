import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { feedbackCommentContext, type FeedbackSubmitted } from '@feedback/contracts';
import { encodeCursor, type CursorPosition, type Page } from '@feedback/http';
import { EventPublisher, PermanentEventError } from '@feedback/messaging';
import { KeyRing } from '@feedback/pii';
import type { OutboxEntry, OutboxRelay } from '@feedback/service-kit';
import type { FeedbackAnswerRepository, NewFeedbackAnswer, StoredFeedbackAnswer } from './adapters/mongo/feedback-answer.repository';
import { tombstone, isVisibleIn } from './domain/feedback-answer.policy';
import type { Erasure, FeedbackScope, StoredAnswer } from './domain/feedback-answer.types';
import { FeedbackAnswersService } from './feedback-answers.service';

beforeAll(() => Logger.overrideLogger(false));
const ring = new KeyRing([{ id: 'k1', key: Buffer.alloc(32, 9) }]);

type Doc = NewFeedbackAnswer & { outbox: OutboxEntry[] };

/** A copy that shares nothing mutable (structuredClone would make Dates of another realm under jest's vm). */
function copy<T extends Partial<Doc>>(doc: T): T {
  return {
    ...doc,
    ...(doc.representativeIds ? { representativeIds: [...doc.representativeIds] } : {}),
    ...(doc.sealedComment ? { sealedComment: { ...doc.sealedComment } } : {}),
    ...(doc.erased ? { erased: { ...doc.erased } } : {}),
    ...(doc.outbox ? { outbox: [...doc.outbox] } : {}),
  };
}

/** The repository's contract, in memory: insert-once on the request id, conditional erasure. */
class FakeAnswers {
  readonly docs = new Map<string, Doc>();
  async findByRequestId(requestId: string): Promise<StoredFeedbackAnswer | undefined> {
    const doc = this.docs.get(requestId);
    return doc && copy(doc);
  }
  async findByRequestIds(requestIds: readonly string[]): Promise<Map<string, StoredFeedbackAnswer>> {
    const found = new Map<string, StoredFeedbackAnswer>();
    for (const id of requestIds) {
      const doc = this.docs.get(id);
      if (doc) found.set(id, copy(doc));
    }
    return found;
  }
  /** Another consumer's answers that land between this one's read and its insert (a race). */
  readonly landBeforeNextInsert: NewFeedbackAnswer[] = [];
  async insertMany(answers: readonly NewFeedbackAnswer[]): Promise<Set<string>> {
    for (const answer of this.landBeforeNextInsert.splice(0)) this.docs.set(answer.requestId, { ...copy(answer), outbox: [] });
    const existing = new Set<string>();
    for (const answer of answers) {
      if (this.docs.has(answer.requestId)) existing.add(answer.requestId);
      else this.docs.set(answer.requestId, { ...copy(answer), outbox: [] });
    }
    return existing;
  }
  async newestFirst(businessId: string, scope: FeedbackScope, limit: number, after?: CursorPosition): Promise<Page<StoredAnswer>> {
    const all = [...this.docs.values()]
      .filter((d) => d.businessId === businessId && isVisibleIn(d, scope))
      .filter((d) => !after || d.submittedAt < after.at || (d.submittedAt.getTime() === after.at.getTime() && d.requestId < after.id))
      .sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime() || (a.requestId < b.requestId ? 1 : -1));
    const items = all.slice(0, limit).map((d) => copy(d));
    const last = items[items.length - 1];
    return { items, ...(all.length > limit && last ? { nextCursor: encodeCursor({ at: last.submittedAt, id: last.requestId }) } : {}) };
  }
  async erase(requestId: string, businessId: string, erasure: Erasure, event: OutboxEntry): Promise<boolean> {
    const doc = this.docs.get(requestId);
    if (!doc || doc.businessId !== businessId || doc.erased) return false;
    this.docs.set(requestId, { ...tombstone(doc, erasure), outbox: [...doc.outbox, event] } as Doc);
    return true;
  }
  async countByConversation(conversationId: string): Promise<number> {
    return [...this.docs.values()].filter((d) => d.conversationId === conversationId).length;
  }
}

function setup(keyRing: KeyRing = ring) {
  const answers = new FakeAnswers();
  const flushed: unknown[] = [];
  const relay = { flush: async (_collection: string, id: unknown) => void flushed.push(id) } as unknown as OutboxRelay;
  const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka, 'feedback-store');
  const service = new FeedbackAnswersService(answers as unknown as FeedbackAnswerRepository, keyRing, publisher, relay);
  return { service, answers, flushed };
}

const now = new Date('2026-11-22T10:00:00.000Z');
const COMMENT = 'Pat was very helpful, call me on 0470 12 34 56';

/** A FeedbackSubmitted as requests publishes it: the comment sealed to its request. */
function submitted(overrides: Partial<FeedbackSubmitted> & { comment?: string } = {}): FeedbackSubmitted {
  const { comment = 'comment' in overrides ? undefined : COMMENT, ...rest } = overrides;
  const requestId = rest.requestId ?? 'r1';
  return {
    ...(comment !== undefined ? { sealedComment: ring.seal(comment, feedbackCommentContext(requestId)) } : {}),
    requestId: 'r1',
    businessId: 'b1',
    test: false,
    conversationId: 'c1',
    userId: 'person-1',
    representativeIds: ['rep-a'],
    surveyType: 'csat',
    score: 5,
    requestedAt: '2026-11-20T10:00:00.000Z',
    submittedAt: '2026-11-21T10:00:00.000Z',
    ...rest,
  };
}
const source = (eventId: string) => ({ eventId, correlationId: `corr-${eventId}` });
const admin = { role: 'admin' as const, userId: 'ann' };

describe('FeedbackAnswersService.store (FeedbackSubmitted, write-once)', () => {
  it('stores the answer once, with the comment sealed to its request', async () => {
    const { service, answers } = setup();
    await service.store(submitted(), source('e1'), now);
    const doc = answers.docs.get('r1')!;
    expect(doc).toMatchObject({ businessId: 'b1', conversationId: 'c1', userId: 'person-1', representativeIds: ['rep-a'], score: 5, sourceEventId: 'e1', correlationId: 'corr-e1', receivedAt: now });
    expect(JSON.stringify([...answers.docs.values()])).not.toContain('helpful');
    expect(ring.open(doc.sealedComment!, 'feedback-answer:r1')).toBe(COMMENT);
    expect(() => ring.open(doc.sealedComment!, 'feedback-answer:r2')).toThrow();
  });

  it('stores no sealed value when there is no comment', async () => {
    const { service, answers } = setup();
    await service.store(submitted({ comment: undefined }), source('e1'), now);
    expect(answers.docs.get('r1')).not.toHaveProperty('sealedComment');
  });

  it('ignores a replay under another event id and dead-letters a conflicting second answer, keeping the first', async () => {
    const { service, answers } = setup();
    await service.store(submitted(), source('e1'), now);
    const first = copy(answers.docs.get('r1')!);
    await service.store(submitted(), source('e2'), now);
    await expect(service.store(submitted({ score: 1 }), source('e3'), now)).rejects.toBeInstanceOf(PermanentEventError);
    await expect(service.store(submitted({ comment: 'edited' }), source('e4'), now)).rejects.toThrow(/never replaced/);
    await expect(service.store(submitted({ businessId: 'b2' }), source('e5'), now)).rejects.toThrow(/businessId/);
    expect(answers.docs.size).toBe(1);
    expect(answers.docs.get('r1')).toEqual(first);
  });

  it('keeps an erased answer erased when FeedbackSubmitted is replayed', async () => {
    const { service, answers } = setup();
    await service.store(submitted(), source('e1'), now);
    await service.erase('b1', 'r1', 'ann');
    await service.store(submitted(), source('e2'), now);
    const doc = answers.docs.get('r1')!;
    expect(doc.erased).toMatchObject({ erasedBy: 'ann' });
    expect(doc).not.toHaveProperty('score');
    expect(doc).not.toHaveProperty('sealedComment');
  });
});

describe('FeedbackAnswersService.storeMany (the consumer batches)', () => {
  const item = (eventId: string, overrides: Parameters<typeof submitted>[0] = {}) => ({ event: submitted(overrides), ...source(eventId) });

  it('stores many answers at once and decides each event against the earlier ones of the batch', async () => {
    const { service, answers } = setup();
    const refusals = await service.storeMany(
      [item('e1'), item('e2', { requestId: 'r2', conversationId: 'c2' }), item('e3'), item('e4', { score: 1 }), item('e5', { requestId: 'r2', conversationId: 'c2', comment: 'edited' })],
      now,
    );
    expect([...answers.docs.keys()].sort()).toEqual(['r1', 'r2']);
    expect(answers.docs.get('r1')).toMatchObject({ score: 5, sourceEventId: 'e1' });
    expect(refusals.map((r) => r.eventId)).toEqual(['e4', 'e5']);
    expect(refusals.every((r) => r.error instanceof PermanentEventError)).toBe(true);
  });

  it('dead-letters only the event whose comment it cannot open (key not in its ring), storing the others', async () => {
    const { service, answers } = setup();
    const foreign = new KeyRing([{ id: 'k-elsewhere', key: Buffer.alloc(32, 3) }]);
    const unreadable = { ...submitted({ requestId: 'r2', conversationId: 'c2', comment: undefined }), sealedComment: foreign.seal(COMMENT, feedbackCommentContext('r2')) };
    const refusals = await service.storeMany([item('e1'), { event: unreadable, ...source('e2') }, item('e3', { requestId: 'r3', conversationId: 'c3' })], now);
    expect(refusals.map((r) => r.eventId)).toEqual(['e2']);
    expect(refusals[0]?.error).toBeInstanceOf(PermanentEventError);
    expect(refusals[0]?.error.message).toMatch(/key k-elsewhere/);
    expect(refusals[0]?.error.message).not.toContain(COMMENT);
    expect([...answers.docs.keys()].sort()).toEqual(['r1', 'r3']);
  });

  it('inserts a batch of new answers without reading first: the insert tells which were stored already', async () => {
    const { service, answers } = setup();
    const reads = jest.spyOn(answers, 'findByRequestIds');
    const refusals = await service.storeMany([item('e1'), item('e2', { requestId: 'r2', conversationId: 'c2' })], now);
    expect(refusals).toEqual([]);
    expect([...answers.docs.keys()].sort()).toEqual(['r1', 'r2']);
    expect(reads).not.toHaveBeenCalled();
  });

  it('decides redelivered answers against the stored ones: a replay is ignored, a different one refused, the first kept', async () => {
    const { service, answers } = setup();
    await service.storeMany([item('e1')], now);
    const first = copy(answers.docs.get('r1')!);
    const reads = jest.spyOn(answers, 'findByRequestIds');
    const refusals = await service.storeMany([item('e1'), item('e2', { score: 1 }), item('e3', { requestId: 'r3', conversationId: 'c3' })], now);
    expect(refusals.map((r) => r.eventId)).toEqual(['e2']);
    expect(refusals[0]?.error.message).toMatch(/never replaced/);
    expect(answers.docs.get('r1')).toEqual(first);
    expect(answers.docs.get('r3')).toMatchObject({ sourceEventId: 'e3' });
    // Read once, for the request whose insert was refused.
    expect(reads.mock.calls).toEqual([[['r1']]]);
  });

  it('decides again against the winner when another consumer stored the answer meanwhile', async () => {
    const { service, answers } = setup();
    const winner = { ...submittedAnswerFixture(), score: 2, sourceEventId: 'other', correlationId: 'corr-other', receivedAt: now };
    answers.landBeforeNextInsert.push(winner);
    const refusals = await service.storeMany([item('e1'), item('e2', { requestId: 'r2', conversationId: 'c2' })], now);
    expect(answers.docs.get('r1')).toMatchObject({ score: 2, sourceEventId: 'other' });
    expect(answers.docs.get('r2')).toMatchObject({ sourceEventId: 'e2' });
    expect(refusals.map((r) => r.eventId)).toEqual(['e1']);
  });
});

/** An answer to r1 as another consumer would have stored it (no comment). */
function submittedAnswerFixture() {
  const { sealedComment: _sealed, requestedAt, submittedAt, ...facts } = submitted({ comment: undefined });
  return { ...facts, requestedAt: new Date(requestedAt), submittedAt: new Date(submittedAt) };
}

describe('FeedbackAnswersService.list', () => {
  async function seeded() {
    const ctx = setup();
    await ctx.service.store(submitted({ requestId: 'r1', representativeIds: ['rep-a'], submittedAt: '2026-11-21T10:00:00.000Z' }), source('e1'), now);
    await ctx.service.store(submitted({ requestId: 'r2', conversationId: 'c2', representativeIds: ['rep-b'], submittedAt: '2026-11-21T11:00:00.000Z', comment: undefined }), source('e2'), now);
    await ctx.service.store(submitted({ requestId: 'r3', conversationId: 'c3', representativeIds: [], surveyType: 'custom', score: undefined, option: 'Great', submittedAt: '2026-11-21T12:00:00.000Z' }), source('e3'), now);
    await ctx.service.store(submitted({ requestId: 'x1', businessId: 'b2' }), source('e4'), now);
    return ctx;
  }

  it('shows admins and processors every answer of the business, newest first, comments opened, no person id', async () => {
    const { service } = await seeded();
    for (const reader of [admin, { role: 'processor' as const, userId: 'crm' }]) {
      const page = await service.list('b1', reader, 50);
      expect(page.items.map((i) => i.requestId)).toEqual(['r3', 'r2', 'r1']);
      expect(page.items[2]).toMatchObject({ score: 5, comment: COMMENT });
      expect(page.items[0]).toMatchObject({ option: 'Great', surveyType: 'custom' });
      expect(JSON.stringify(page)).not.toContain('person-1');
      expect(page.nextCursor).toBeUndefined();
    }
  });

  it('shows a member only the answers about their own conversations', async () => {
    const { service } = await seeded();
    expect((await service.list('b1', { role: 'member', userId: 'rep-b' }, 50)).items.map((i) => i.requestId)).toEqual(['r2']);
    expect((await service.list('b1', { role: 'member', userId: 'rep-z' }, 50)).items).toEqual([]);
  });

  it('pages with the cursor', async () => {
    const { service } = await seeded();
    const first = await service.list('b1', admin, 2);
    expect(first.items.map((i) => i.requestId)).toEqual(['r3', 'r2']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await service.list('b1', admin, 2, { at: new Date('2026-11-21T11:00:00.000Z'), id: 'r2' });
    expect(second).toEqual({ items: [expect.objectContaining({ requestId: 'r1' })] });
  });
});

describe('FeedbackAnswersService and key rotation (PII_ENCRYPTION_KEYS)', () => {
  const oldKey = { id: 'k1', key: Buffer.alloc(32, 9) };
  const newKey = { id: 'k2', key: Buffer.alloc(32, 4) };

  it('opens comments sealed with the old key and seals new ones with the new first key', async () => {
    const before = setup(new KeyRing([oldKey]));
    await before.service.store(submitted({ requestId: 'r1' }), source('e1'), now);
    const rotated = new FeedbackAnswersService(before.answers as unknown as FeedbackAnswerRepository, new KeyRing([newKey, oldKey]), ...serviceDeps());
    // an event still sealed with the old key by a service not yet rotated, and one sealed with the new key
    const submittedSealedWithOld = submitted({ requestId: 'r2', conversationId: 'c2', submittedAt: '2026-11-21T11:00:00.000Z' });
    await rotated.store(submittedSealedWithOld, source('e2'), now);
    const sealedWithNew = { ...submitted({ requestId: 'r3', conversationId: 'c3', comment: undefined, submittedAt: '2026-11-21T12:00:00.000Z' }), sealedComment: new KeyRing([newKey]).seal('new key comment', feedbackCommentContext('r3')) };
    await rotated.store(sealedWithNew, source('e3'), now);
    expect(['r1', 'r2', 'r3'].map((id) => before.answers.docs.get(id)?.sealedComment?.keyId)).toEqual(['k1', 'k2', 'k2']);
    // Sealed with the active key: stored as it came; sealed with the old one: sealed again.
    expect(before.answers.docs.get('r3')?.sealedComment).toEqual(sealedWithNew.sealedComment);
    expect(before.answers.docs.get('r2')?.sealedComment?.ciphertext).not.toBe(submittedSealedWithOld.sealedComment?.ciphertext);
    const page = await rotated.list('b1', admin, 50);
    expect(page.items.map((i) => [i.requestId, i.comment])).toEqual([
      ['r3', 'new key comment'],
      ['r2', COMMENT],
      ['r1', COMMENT],
    ]);
  });

  it('lists an answer whose key left the ring without its comment, flagged, instead of failing the page', async () => {
    const before = setup(new KeyRing([oldKey]));
    await before.service.store(submitted({ requestId: 'r1' }), source('e1'), now);
    await before.service.store(submitted({ requestId: 'r2', conversationId: 'c2', comment: undefined, submittedAt: '2026-11-21T11:00:00.000Z' }), source('e2'), now);
    const withoutOld = new FeedbackAnswersService(before.answers as unknown as FeedbackAnswerRepository, new KeyRing([newKey]), ...serviceDeps());
    const page = await withoutOld.list('b1', admin, 50);
    expect(page.items).toEqual([
      expect.not.objectContaining({ commentUnavailable: expect.anything() }),
      expect.objectContaining({ requestId: 'r1', score: 5, commentUnavailable: true }),
    ]);
    expect(page.items[1]).not.toHaveProperty('comment');
    expect(JSON.stringify(page)).not.toContain(COMMENT);
  });
});

/** The publisher and relay of a second service instance over the same fake store. */
function serviceDeps(): [EventPublisher, OutboxRelay] {
  return [new EventPublisher({ producer: () => ({}) } as unknown as Kafka, 'feedback-store'), { flush: async () => undefined } as unknown as OutboxRelay];
}

describe('FeedbackAnswersService.erase (F12)', () => {
  it('tombstones the answer with its FeedbackErased in the same write, once', async () => {
    const { service, answers, flushed } = setup();
    await service.store(submitted(), source('e1'), now);
    expect(await service.erase('b1', 'r1', 'ann')).toMatchObject({ erasedNow: true, erasure: { erasedBy: 'ann' } });
    expect(await service.erase('b1', 'r1', 'ann')).toMatchObject({ erasedNow: false, erasure: { erasedBy: 'ann' } });

    const doc = answers.docs.get('r1')!;
    expect(doc.outbox.map((e) => [e.topic, e.key])).toEqual([['feedback.requests.v1', 'r1']]);
    const emitted = JSON.parse(doc.outbox[0]!.value) as { type: string; correlationId: string; data: Record<string, unknown> };
    expect(emitted).toMatchObject({ type: 'FeedbackErased', correlationId: 'corr-e1', data: { requestId: 'r1', businessId: 'b1', erasedBy: 'ann', erasedAt: expect.any(String) } });
    expect(flushed).toEqual(['r1']);

    const [item] = (await service.list('b1', admin, 50)).items;
    expect(item).toEqual({
      requestId: 'r1',
      conversationId: 'c1',
      representativeIds: ['rep-a'],
      surveyType: 'csat',
      requestedAt: new Date('2026-11-20T10:00:00.000Z'),
      submittedAt: new Date('2026-11-21T10:00:00.000Z'),
      test: false,
      erased: { erasedAt: expect.any(Date), erasedBy: 'ann' },
    });
  });

  it("answers another business's answer and an unknown one with 404", async () => {
    const { service, answers } = setup();
    await service.store(submitted(), source('e1'), now);
    await expect(service.erase('b2', 'r1', 'eve')).rejects.toMatchObject({ statusCode: 404, code: 'not_found' });
    await expect(service.erase('b1', 'nope', 'ann')).rejects.toMatchObject({ statusCode: 404, code: 'not_found' });
    expect(answers.docs.get('r1')).toMatchObject({ score: 5, outbox: [] });
  });
});

describe('FeedbackAnswersService.conversationDeleted (F10)', () => {
  it('changes nothing', async () => {
    const { service, answers } = setup();
    await service.store(submitted(), source('e1'), now);
    const before = copy(answers.docs.get('r1')!);
    expect(await service.conversationDeleted('c1')).toBe(1);
    expect(answers.docs.get('r1')).toEqual(before);
  });
});
