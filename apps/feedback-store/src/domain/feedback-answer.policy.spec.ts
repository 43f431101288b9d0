import { answerSealContext, decideAnswerWrite, decideErasure, feedbackItem, feedbackScope, isVisibleIn, tombstone } from './feedback-answer.policy';
import type { StoredAnswer, SubmittedAnswer } from './feedback-answer.types';

const facts = {
  requestId: 'r1',
  businessId: 'b1',
  test: false,
  conversationId: 'c1',
  userId: 'person-1',
  representativeIds: ['rep-a', 'rep-b'],
  surveyType: 'csat' as const,
  requestedAt: new Date('2026-11-20T10:00:00Z'),
  submittedAt: new Date('2026-11-21T10:00:00Z'),
};
const answer: SubmittedAnswer = { ...facts, score: 4, comment: 'Friendly and quick' };
const erasure = { erasedAt: new Date('2026-11-25T00:00:00Z'), erasedBy: 'ann' };
const sealed = { keyId: 'k1', iv: 'aQ==', tag: 'dA==', ciphertext: 'Yw==' };

describe('answerSealContext', () => {
  it('binds a sealed comment to its request', () => {
    expect(answerSealContext('r1')).toBe('feedback-answer:r1');
    expect(answerSealContext('r1')).not.toBe(answerSealContext('r2'));
  });
});

describe('decideAnswerWrite (write-once, F6)', () => {
  it('stores the first answer to a request', () => {
    expect(decideAnswerWrite(answer, undefined)).toEqual({ action: 'insert' });
  });
  it('ignores a replay with the same facts and content (representatives in any order)', () => {
    expect(decideAnswerWrite({ ...answer, representativeIds: ['rep-b', 'rep-a'] }, { ...answer })).toMatchObject({ action: 'ignore' });
    expect(decideAnswerWrite({ ...facts, surveyType: 'custom', option: 'Great' }, { ...facts, surveyType: 'custom', option: 'Great' })).toMatchObject({ action: 'ignore' });
  });
  it('rejects a second, different answer: the first one is kept', () => {
    for (const other of [{ score: 1 }, { comment: 'Changed my mind' }, { comment: undefined }, { option: 'Meh' }]) {
      expect(decideAnswerWrite({ ...answer, ...other }, answer)).toMatchObject({ action: 'reject', reason: expect.stringMatching(/never replaced, the first one is kept/) });
    }
  });
  it('rejects an answer for the same request id with other facts', () => {
    expect(decideAnswerWrite({ ...answer, businessId: 'b2' }, answer)).toMatchObject({ action: 'reject', reason: expect.stringMatching(/businessId/) });
    expect(decideAnswerWrite({ ...answer, representativeIds: ['rep-a'] }, answer)).toMatchObject({ action: 'reject', reason: expect.stringMatching(/representativeIds/) });
    expect(decideAnswerWrite({ ...answer, submittedAt: new Date('2026-11-22T00:00:00Z') }, answer)).toMatchObject({ action: 'reject', reason: expect.stringMatching(/submittedAt/) });
    expect(decideAnswerWrite({ ...answer, test: true }, answer)).toMatchObject({ action: 'reject', reason: expect.stringMatching(/test/) });
  });
  it('never brings an erased answer back: an exact replay after the erasure is ignored', () => {
    const erased = { ...facts, erased: erasure };
    expect(decideAnswerWrite(answer, erased)).toEqual({ action: 'ignore', reason: expect.stringMatching(/erased; an erasure is final/) });
    expect(decideAnswerWrite({ ...answer, score: 1, comment: 'other' }, erased)).toMatchObject({ action: 'ignore' });
  });
  it('still rejects a replay after the erasure whose facts contradict the tombstone', () => {
    expect(decideAnswerWrite({ ...answer, conversationId: 'c2' }, { ...facts, erased: erasure })).toMatchObject({ action: 'reject', reason: expect.stringMatching(/conversationId/) });
  });
});

describe('feedbackScope / isVisibleIn (F7, F13)', () => {
  it('shows every answer of the business to admins and to a processor credential', () => {
    for (const role of ['admin', 'processor'] as const) {
      const scope = feedbackScope({ role, userId: 'whoever' });
      expect(scope).toEqual({ kind: 'whole-business' });
      expect(isVisibleIn({ representativeIds: [] }, scope)).toBe(true);
      expect(isVisibleIn({ representativeIds: ['rep-a'] }, scope)).toBe(true);
    }
  });
  it('shows a member only the answers about conversations they took part in', () => {
    const scope = feedbackScope({ role: 'member', userId: 'rep-a' });
    expect(scope).toEqual({ kind: 'representative', userId: 'rep-a' });
    expect(isVisibleIn({ representativeIds: ['rep-a', 'rep-b'] }, scope)).toBe(true);
    expect(isVisibleIn({ representativeIds: ['rep-b'] }, scope)).toBe(false);
    expect(isVisibleIn({ representativeIds: [] }, scope)).toBe(false);
  });
});

describe('decideErasure (F12)', () => {
  it('erases an answer of the business', () => {
    expect(decideErasure({ businessId: 'b1' }, 'b1', erasure)).toEqual({ outcome: 'erase', erasure });
  });
  it('treats erasing again as a no-op: the first erasure stands', () => {
    const later = { erasedAt: new Date('2026-12-01T00:00:00Z'), erasedBy: 'bob' };
    expect(decideErasure({ businessId: 'b1', erased: erasure }, 'b1', later)).toEqual({ outcome: 'already_erased', erasure });
  });
  it('answers another business exactly like an unknown answer', () => {
    expect(decideErasure({ businessId: 'b1' }, 'b2', erasure)).toEqual({ outcome: 'not_found' });
    expect(decideErasure({ businessId: 'b1', erased: erasure }, 'b2', erasure)).toEqual({ outcome: 'not_found' });
    expect(decideErasure(undefined, 'b1', erasure)).toEqual({ outcome: 'not_found' });
  });
});

describe('tombstone / feedbackItem (what the business reads)', () => {
  const stored: StoredAnswer = { ...facts, score: 4, sealedComment: sealed };

  it('keeps the facts and the fact of the erasure, and drops score, option and comment', () => {
    const dead = tombstone({ ...stored, option: 'x' }, erasure);
    expect(dead).toEqual({ ...facts, erased: erasure });
    expect(dead).not.toHaveProperty('score');
    expect(dead).not.toHaveProperty('option');
    expect(dead).not.toHaveProperty('sealedComment');
  });
  it('lists an answer with its content, without the person (F8)', () => {
    const item = feedbackItem(stored, 'Friendly and quick');
    expect(item).toEqual({
      requestId: 'r1',
      conversationId: 'c1',
      representativeIds: ['rep-a', 'rep-b'],
      surveyType: 'csat',
      score: 4,
      comment: 'Friendly and quick',
      requestedAt: facts.requestedAt,
      submittedAt: facts.submittedAt,
      test: false,
    });
    expect(item).not.toHaveProperty('userId');
    expect(JSON.stringify(item)).not.toContain('person-1');
  });
  it('lists a custom answer by its option, and no comment when none was left', () => {
    expect(feedbackItem({ ...facts, surveyType: 'custom', option: 'Great' }, undefined)).toEqual(expect.objectContaining({ option: 'Great' }));
    expect(feedbackItem({ ...facts, surveyType: 'custom', option: 'Great' }, undefined)).not.toHaveProperty('comment');
  });
  it('lists a tombstone without any content, even if content were passed in', () => {
    const item = feedbackItem({ ...stored, erased: erasure }, 'leaked?');
    expect(item).toEqual({
      requestId: 'r1',
      conversationId: 'c1',
      representativeIds: ['rep-a', 'rep-b'],
      surveyType: 'csat',
      requestedAt: facts.requestedAt,
      submittedAt: facts.submittedAt,
      test: false,
      erased: erasure,
    });
  });
});
