import { signApiToken, verifyApiToken } from './tokens';
import { respondentLinkKey, signRespondentLink, verifyRespondentLink } from './respondent-links';

const apiSecret = 'api-secret-api-secret-api-secret-0123';
const key = respondentLinkKey(apiSecret);
const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('respondent links', () => {
  it('carry the request and the language, for one purpose', () => {
    const token = signRespondentLink({ purpose: 'information-request', subjectId: 'r1', language: 'nl' }, key, inAnHour());
    expect(verifyRespondentLink(token, 'information-request', key)).toEqual({
      ok: true,
      link: { purpose: 'information-request', subjectId: 'r1', language: 'nl' },
    });
  });

  it('are refused for another purpose', () => {
    const token = signRespondentLink({ purpose: 'feedback-request', subjectId: 'r1', language: 'en' }, key, inAnHour());
    expect(verifyRespondentLink(token, 'information-request', key)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('say which of several accepted purposes they were minted for, and are refused by a set without it', () => {
    const feedback = signRespondentLink({ purpose: 'feedback-request', subjectId: 'fr1', language: 'de' }, key, inAnHour());
    const information = signRespondentLink({ purpose: 'information-request', subjectId: 'ir1', language: 'fr' }, key, inAnHour());
    const either = ['information-request', 'feedback-request'] as const;
    expect(verifyRespondentLink(feedback, either, key)).toEqual({ ok: true, link: { purpose: 'feedback-request', subjectId: 'fr1', language: 'de' } });
    expect(verifyRespondentLink(information, either, key)).toEqual({ ok: true, link: { purpose: 'information-request', subjectId: 'ir1', language: 'fr' } });
    const documentation = signRespondentLink({ purpose: 'documentation', subjectId: 'rep1', language: 'en' }, key, inAnHour());
    expect(verifyRespondentLink(documentation, either, key)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyRespondentLink(feedback, [], key)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('tell a genuine expired link apart from a forged one', () => {
    const expired = signRespondentLink({ purpose: 'documentation', subjectId: 'rep1', language: 'en' }, key, new Date(Date.now() - 10_000));
    // expiresIn is at least one second: wait it out rather than mock the clock.
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(verifyRespondentLink(expired, 'documentation', key)).toEqual({ ok: false, reason: 'expired' });
        const forged = signRespondentLink({ purpose: 'documentation', subjectId: 'rep1', language: 'en' }, 'another-key', inAnHour());
        expect(verifyRespondentLink(forged, 'documentation', key)).toEqual({ ok: false, reason: 'invalid' });
        resolve();
      }, 1100),
    );
  });

  it('are no API tokens, and API tokens are no links', () => {
    const link = signRespondentLink({ purpose: 'information-request', subjectId: 'r1', language: 'en' }, key, inAnHour());
    expect(verifyApiToken(link, apiSecret).ok).toBe(false);
    const api = signApiToken({ sub: 'u1', role: 'analyst' }, apiSecret);
    expect(verifyRespondentLink(api, 'information-request', key).ok).toBe(false);
    expect(verifyRespondentLink(api, 'information-request', apiSecret).ok).toBe(false);
  });
});
