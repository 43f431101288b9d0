import { randomBytes } from 'node:crypto';
import { decodeEvent, feedbackCommentContext, feedbackRequestsTopic, type FeedbackRequested, type FeedbackSubmitted } from '@feedback/contracts';
import { KeyRing } from '@feedback/pii';
import { benchBusinesses, eventIdOf, FeedbackEvents, type KafkaMessageOut } from './events.ts';

const keyRing = new KeyRing([{ id: 'bench1', key: randomBytes(32) }]);
const now = Date.parse('2026-11-25T12:00:00.000Z');
const factory = new FeedbackEvents({ scope: 'spec', keyRing, businesses: benchBusinesses('b', 4), days: 28, now: () => now });

function decoded(message: KafkaMessageOut) {
  const result = decodeEvent(feedbackRequestsTopic, Buffer.from(message.value));
  if (result.outcome !== 'event') throw new Error(`not a valid event: ${JSON.stringify(result)}`);
  return result.envelope;
}

describe('the bench events', () => {
  it('are valid feedback.requests.v1 events, keyed by their request id, counted by analytics (test: false)', () => {
    for (let i = 0; i < 200; i++) {
      for (const message of factory.lifecycle(i)) {
        const envelope = decoded(message);
        const data = envelope.data as { requestId: string; test: boolean };
        expect(message.key).toBe(data.requestId);
        expect(data.test).toBe(false);
        expect(eventIdOf(message)).toBe(envelope.id);
      }
    }
  });

  it('an answered request is its FeedbackRequested then its FeedbackSubmitted, never in the future', () => {
    const [requested, submitted] = factory.answered(7).map(decoded);
    expect([requested!.type, submitted!.type]).toEqual(['FeedbackRequested', 'FeedbackSubmitted']);
    const r = requested!.data as FeedbackRequested;
    const s = submitted!.data as FeedbackSubmitted;
    expect(s.requestId).toBe(r.requestId);
    expect(Date.parse(s.submittedAt)).toBeGreaterThanOrEqual(Date.parse(r.requestedAt));
    expect(Date.parse(s.submittedAt)).toBeLessThanOrEqual(now);
  });

  it('spreads requests over the businesses and the last `days` UTC days', () => {
    const businesses = new Set<string>();
    const days = new Set<string>();
    for (let i = 0; i < 4 * 28; i++) {
      const r = factory.request(i);
      businesses.add(r.businessId);
      days.add(new Date(r.requestedAt).toISOString().slice(0, 10));
      expect(now - r.requestedAt).toBeLessThan(29 * 86_400_000);
    }
    expect(businesses.size).toBe(4);
    expect(days.size).toBeGreaterThanOrEqual(28);
  });

  it('seals comments with the key ring, bound to their request', () => {
    const s = decoded(factory.submitted(0)).data as FeedbackSubmitted;
    expect(keyRing.open(s.sealedComment!, feedbackCommentContext(s.requestId))).toEqual(expect.any(String));
  });
});
