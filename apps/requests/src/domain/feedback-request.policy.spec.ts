import { decideFeedbackRequest, recentSends, surveyOptions, validateAnswer } from './feedback-request.policy';
import type { FeedbackRequest, KnownConversation, RecipientSend } from './feedback-request.types';

const now = new Date('2026-11-21T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const conversation: KnownConversation = { conversationId: 'c1', businessId: 'b1', userId: 'u1', representativeIds: ['rep1'], lastInteractionAt: hoursAgo(2) };
const decide = (overrides: Partial<Parameters<typeof decideFeedbackRequest>[0]> = {}) =>
  decideFeedbackRequest({
    businessId: 'b1',
    userId: 'u1',
    conversation,
    existing: undefined,
    privacyPolicyUrl: 'https://shop.example/privacy',
    sends: [],
    limits: { perBusiness: 1, platform: 3 },
    now,
    windowMs: 7 * 86_400_000,
    ...overrides,
  });

describe('decideFeedbackRequest', () => {
  it('accepts a request after a known conversation, with the window as deadline', () => {
    expect(decide()).toEqual({ ok: true, value: { expiresAt: new Date('2026-11-28T12:00:00.000Z') } });
  });

  it('needs a conversation between this business and this person (F1)', () => {
    expect(decide({ conversation: undefined })).toMatchObject({ refusal: { status: 422, code: 'no_prior_interaction' } });
    expect(decide({ conversation: { ...conversation, businessId: 'b2' } })).toMatchObject({ refusal: { code: 'no_prior_interaction' } });
    expect(decide({ userId: 'u2' })).toMatchObject({ refusal: { code: 'no_prior_interaction' } });
  });

  it('allows one request per conversation (F3)', () => {
    expect(decide({ existing: { id: 'f1' } as FeedbackRequest })).toMatchObject({ refusal: { status: 409, code: 'already_requested' } });
  });

  it('needs the business\'s privacy policy (F11)', () => {
    expect(decide({ privacyPolicyUrl: undefined })).toMatchObject({ refusal: { status: 422, code: 'privacy_policy_missing' } });
  });

  it('checks the rules in the contract order: F1, F3, F11, F14', () => {
    const everythingWrong = { existing: { id: 'f1' } as FeedbackRequest, privacyPolicyUrl: undefined, sends: [{ businessId: 'b1', at: hoursAgo(1) }] };
    expect(decide({ ...everythingWrong, conversation: undefined })).toMatchObject({ refusal: { code: 'no_prior_interaction' } });
    expect(decide(everythingWrong)).toMatchObject({ refusal: { code: 'already_requested' } });
    expect(decide({ ...everythingWrong, existing: undefined })).toMatchObject({ refusal: { code: 'privacy_policy_missing' } });
  });

  it('limits a person to one request per business per 24 h and three across the platform (F14)', () => {
    const sameBusiness: RecipientSend[] = [{ businessId: 'b1', at: hoursAgo(23) }];
    expect(decide({ sends: sameBusiness })).toMatchObject({ refusal: { status: 429, code: 'recipient_rate_limited' } });
    expect(decide({ sends: [{ businessId: 'b1', at: hoursAgo(24) }] }).ok).toBe(true);
    const threeOthers: RecipientSend[] = [
      { businessId: 'b2', at: hoursAgo(1) },
      { businessId: 'b3', at: hoursAgo(2) },
      { businessId: 'b4', at: hoursAgo(3) },
    ];
    expect(decide({ sends: threeOthers })).toMatchObject({ refusal: { status: 429, code: 'recipient_rate_limited' } });
    expect(decide({ sends: threeOthers.slice(0, 2) }).ok).toBe(true);
    expect(decide({ sends: threeOthers, limits: { perBusiness: 1, platform: 5 } }).ok).toBe(true);
  });

  it('forgets sends older than 24 h', () => {
    expect(recentSends([{ businessId: 'b1', at: hoursAgo(25) }, { businessId: 'b1', at: hoursAgo(1) }], now)).toHaveLength(1);
  });
});

describe('surveys (F4)', () => {
  it('offer 1–5 for csat, 0–10 for nps, the business\'s labels for custom', () => {
    expect(surveyOptions({ type: 'csat' })).toEqual(['1', '2', '3', '4', '5']);
    expect(surveyOptions({ type: 'nps' })).toHaveLength(11);
    expect(surveyOptions({ type: 'custom', options: ['Fast', 'Slow'] })).toEqual(['Fast', 'Slow']);
  });

  it('take exactly one option in range', () => {
    expect(validateAnswer({ type: 'csat' }, { score: 5 })).toEqual({ ok: true, value: { score: 5 } });
    expect(validateAnswer({ type: 'csat' }, { score: 0 })).toMatchObject({ errors: { score: 'out_of_range' } });
    expect(validateAnswer({ type: 'nps' }, { score: 0 }).ok).toBe(true);
    expect(validateAnswer({ type: 'nps' }, { score: 11 })).toMatchObject({ errors: { score: 'out_of_range' } });
    expect(validateAnswer({ type: 'nps' }, { score: 4.5 })).toMatchObject({ errors: { score: 'out_of_range' } });
    expect(validateAnswer({ type: 'csat' }, {})).toMatchObject({ errors: { score: 'required' } });
    expect(validateAnswer({ type: 'custom', options: ['Fast', 'Slow'] }, { option: 'Fast' })).toEqual({ ok: true, value: { option: 'Fast' } });
    expect(validateAnswer({ type: 'custom', options: ['Fast', 'Slow'] }, { option: 'Meh' })).toMatchObject({ errors: { option: 'not_an_option' } });
    expect(validateAnswer({ type: 'custom', options: ['Fast', 'Slow'] }, { score: 3, option: 'Fast' })).toMatchObject({ errors: { score: 'not_for_survey' } });
  });

  it('take a comment of at most 2,000 characters', () => {
    expect(validateAnswer({ type: 'csat' }, { score: 4, comment: 'x'.repeat(2000) }).ok).toBe(true);
    expect(validateAnswer({ type: 'csat' }, { score: 4, comment: 'x'.repeat(2001) })).toMatchObject({ errors: { comment: 'too_long' } });
    expect(validateAnswer({ type: 'csat' }, { score: 4, comment: '   ' })).toEqual({ ok: true, value: { score: 4 } });
  });
});
