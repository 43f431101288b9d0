import { contributionOf, timeToAnswerBin, type CountedEvent } from './contribution.policy';

const positionOf = (id: string) => id.length; // a stand-in: the policy only passes ids through it
const base = { requestId: 'r1', businessId: 'b1', test: false, requestedAt: '2026-11-21T23:30:00.000Z' };

describe('contributionOf', () => {
  it('counts a request on the UTC day it was sent, with its person as a sketch position only', () => {
    const event: CountedEvent = {
      type: 'FeedbackRequested',
      data: { ...base, conversationId: 'c1', userId: 'user-42', requestedBy: 'admin-1', survey: { type: 'custom', options: ['Fast', 'Slow'] }, expiresAt: '2026-11-28T23:30:00.000Z' },
    };
    const decision = contributionOf(event, positionOf);
    expect(decision).toEqual({
      kind: 'count',
      contribution: {
        businessId: 'b1',
        day: '2026-11-21',
        counters: ['feedback.requested'],
        customLabels: [
          { label: 'Fast', by: 0 },
          { label: 'Slow', by: 0 },
        ],
        people: [7],
      },
    });
    expect(JSON.stringify(decision)).not.toMatch(/user-42|admin-1|c1|r1/);
  });

  it('counts an answer in its request\'s bucket, with score, time to answer and no comment', () => {
    const event: CountedEvent = {
      type: 'FeedbackSubmitted',
      data: {
        ...base,
        conversationId: 'c1',
        userId: 'user-42',
        representativeIds: ['rep-1'],
        surveyType: 'csat',
        score: 4,
        sealedComment: { keyId: 'dev1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y2lwaGVy' },
        submittedAt: '2026-11-22T01:00:00.000Z',
      },
    };
    const decision = contributionOf(event, positionOf);
    expect(decision).toMatchObject({ kind: 'count', contribution: { day: '2026-11-21', counters: ['feedback.answered', 'feedback.timeToAnswer.1hTo6h', 'feedback.csat.4'], people: [7] } });
    expect(JSON.stringify(decision)).not.toMatch(/Y2lwaGVy|rep-1/);
  });

  it('counts NPS and custom answers', () => {
    const nps = contributionOf({ type: 'FeedbackSubmitted', data: { ...base, conversationId: 'c', userId: 'u', representativeIds: [], surveyType: 'nps', score: 0, submittedAt: base.requestedAt } }, positionOf);
    expect(nps).toMatchObject({ contribution: { counters: ['feedback.answered', 'feedback.timeToAnswer.under1h', 'feedback.nps.0'] } });
    const custom = contributionOf({ type: 'FeedbackSubmitted', data: { ...base, conversationId: 'c', userId: 'u', representativeIds: [], surveyType: 'custom', option: 'Fast', submittedAt: base.requestedAt } }, positionOf);
    expect(custom).toMatchObject({ contribution: { customLabels: [{ label: 'Fast', by: 1 }] } });
  });

  it('never counts test requests (F15)', () => {
    for (const type of ['FeedbackDeclined', 'FeedbackRequestExpired'] as const) {
      expect(contributionOf({ type, data: { ...base, test: true, declinedAt: base.requestedAt, expiredAt: base.requestedAt } } as CountedEvent, positionOf).kind).toBe('skip');
    }
    const submitted = { ...base, test: true, conversationId: 'c', userId: 'u', representativeIds: [], surveyType: 'csat' as const, score: 5, submittedAt: base.requestedAt };
    expect(contributionOf({ type: 'FeedbackSubmitted', data: submitted }, positionOf).kind).toBe('skip');
  });

  it('counts information outcomes and shared field names, never their values', () => {
    const ref = { requestId: 'i1', businessId: 'b1', reviewId: 'rev-1', requestedBy: 'admin-1', requestedAt: '2026-11-21T10:00:00.000Z' };
    expect(contributionOf({ type: 'InformationRequested', data: { ...ref, reviewerId: 'reviewer-7', expiresAt: '2026-11-24T10:00:00.000Z' } }, positionOf)).toMatchObject({
      contribution: { counters: ['information.requested'], people: [10] },
    });
    expect(
      contributionOf({ type: 'InformationProvided', data: { ...ref, sharedFields: ['email', 'phone', 'email'], providedAt: '2026-11-23T10:00:00.000Z' } }, positionOf),
    ).toMatchObject({ contribution: { day: '2026-11-21', counters: ['information.answered', 'information.timeToAnswer.1dTo3d', 'information.sharedFields.email', 'information.sharedFields.phone'], people: [] } });
  });

  it('counts reports on the day reported and decisions on the day decided', () => {
    const ref = { reportId: 'p1', businessId: 'b1', reviewId: 'rev-1' };
    expect(contributionOf({ type: 'ReviewReported', data: { ...ref, reason: 'spam', reportedBy: 'admin-1', reportedAt: '2026-11-21T10:00:00Z' } }, positionOf)).toMatchObject({
      contribution: { day: '2026-11-21', counters: ['reports.byReason.spam'], people: [] },
    });
    expect(
      contributionOf({ type: 'ReportResolved', data: { ...ref, reason: 'spam', decision: 'kept', reportedBy: 'a', decidedBy: 'i', decidedAt: '2026-11-25T10:00:00Z' } }, positionOf),
    ).toMatchObject({ contribution: { day: '2026-11-25', counters: ['reports.byDecision.kept'] } });
  });

  it('bins the time to answer', () => {
    const at = (hours: number) => new Date(Date.parse('2026-11-21T00:00:00Z') + hours * 3_600_000).toISOString();
    expect([0, 1, 5, 23, 47, 100, 200].map((h) => timeToAnswerBin(at(0), at(h)))).toEqual(['under1h', '1hTo6h', '1hTo6h', '6hTo24h', '1dTo3d', '3dTo7d', 'over7d']);
  });
});
