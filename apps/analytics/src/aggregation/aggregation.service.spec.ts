import { randomUUID } from 'node:crypto';
import type { Envelope } from '@feedback/contracts';
import type { AnalyticsSettings } from '../analytics-settings';
import type { Contribution } from '../domain/contribution.policy';
import { sketchPositions } from '../domain/people-sketch';
import type { AggregatesRepository } from './adapters/mongo/aggregates.repository';
import { AggregationService } from './aggregation.service';

function fakeRepository() {
  const applied: { eventId: string; contribution: Contribution }[] = [];
  const repository = {
    applyMany: async (events: { eventId: string; contribution: Contribution }[]) => {
      const fresh = new Set<string>();
      for (const { eventId, contribution } of events) {
        if (applied.some((a) => a.eventId === eventId)) continue;
        applied.push({ eventId, contribution });
        fresh.add(eventId);
      }
      return fresh;
    },
  } as unknown as AggregatesRepository;
  return { applied, repository };
}

const settings = { minGroupSize: 10, positionOf: sketchPositions('unit-test-sketch-key-0123456789abcdef'), rollupIntervalMs: 1000 } as AnalyticsSettings;
const envelope = (type: string, data: Record<string, unknown>): Envelope => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'requests', correlationId: randomUUID(), data });

describe('AggregationService.count', () => {
  const request = { requestId: 'r1', businessId: 'b1', test: false, conversationId: 'c1', userId: 'u1', requestedBy: 'a1', survey: { type: 'csat' }, requestedAt: '2031-03-03T10:00:00Z', expiresAt: '2031-03-10T10:00:00Z' };

  it('hands the contribution of a counted event to the repository, keyed by the event id', async () => {
    const { applied, repository } = fakeRepository();
    const service = new AggregationService(repository, settings);
    const event = envelope('FeedbackRequested', request);
    await service.count(event);
    await service.count(event);
    expect(applied).toEqual([{ eventId: event.id, contribution: { businessId: 'b1', day: '2031-03-03', counters: ['feedback.requested'], customLabels: [], people: [settings.positionOf('u1')] } }]);
  });

  it('ignores test requests, erasures and events that count nothing', async () => {
    const { applied, repository } = fakeRepository();
    const service = new AggregationService(repository, settings);
    await service.count(envelope('FeedbackRequested', { ...request, test: true }));
    await service.count(envelope('FeedbackErased', { requestId: 'r1', businessId: 'b1', erasedBy: 'a1', erasedAt: '2031-03-04T10:00:00Z' }));
    await service.count(envelope('DocumentationRequested', { reportId: 'p1', businessId: 'b1', reviewId: 'v1', reviewerId: 'x', requestedAt: '2031-03-04T10:00:00Z', expiresAt: '2031-03-11T10:00:00Z' }));
    expect(applied).toEqual([]);
  });
});
