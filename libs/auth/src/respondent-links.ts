import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { hmacKey } from './secret-keys';

/**
 * What a respondent link lets its holder do. A link is single-purpose: a token
 * minted for one purpose is refused by every other route.
 */
export type LinkPurpose = 'information-request' | 'feedback-request' | 'documentation';

export interface RespondentLink {
  purpose: LinkPurpose;
  /** The request (or report) the link answers; nothing else can be reached with it. */
  subjectId: string;
  /** Language the person reads: the form is shown in it. */
  language: string;
}

/**
 * The key that signs respondent links: its own secret when configured, else one
 * derived from the API secret, so a link can never pass as an API token or vice versa.
 */
export function respondentLinkKey(apiSecret: string, linkSecret?: string): string {
  return linkSecret || createHmac('sha256', apiSecret).update('respondent-links/v1').digest('base64url');
}

const audience = (purpose: LinkPurpose) => `respondent:${purpose}`;

export function signRespondentLink(link: RespondentLink, key: string, expiresAt: Date): string {
  return jwt.sign({ sub: link.subjectId, lng: link.language }, hmacKey(key), {
    algorithm: 'HS256',
    audience: audience(link.purpose),
    expiresIn: Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export type LinkCheck =
  | { ok: true; link: RespondentLink }
  /** `expired`: a genuine link past its time (410); `invalid`: anything else (404). */
  | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Verifies a link for one purpose, or for any of several (the purpose it was
 * minted for is then read from the token: one signature check, not one per
 * purpose). An expired link is told apart only when its signature is genuine.
 */
export function verifyRespondentLink(token: string, purposes: LinkPurpose | readonly LinkPurpose[], key: string): LinkCheck {
  const accepted = typeof purposes === 'string' ? [purposes] : purposes;
  if (accepted.length === 0) return { ok: false, reason: 'invalid' };
  try {
    const claims = jwt.verify(token, hmacKey(key), { algorithms: ['HS256'], audience: accepted.map(audience) as [string, ...string[]] }) as { sub?: unknown; lng?: unknown; aud?: unknown };
    const minted = accepted.find((purpose) => claims.aud === audience(purpose));
    if (!minted || typeof claims.sub !== 'string' || typeof claims.lng !== 'string') return { ok: false, reason: 'invalid' };
    return { ok: true, link: { purpose: minted, subjectId: claims.sub, language: claims.lng } };
  } catch (error) {
    return { ok: false, reason: (error as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
  }
}
