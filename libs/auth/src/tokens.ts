import jwt from 'jsonwebtoken';
import { claimsSchema, type Principal, type Role } from './principal';
import { hmacKey } from './secret-keys';

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: string };

/**
 * Verifies an API token: HS256 only (so `none`, RS256-with-the-secret-as-key and
 * other algorithm swaps fail), not expired, claims well-formed. Pure apart from the clock.
 */
export function verifyApiToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): VerifyResult {
  let payload: unknown;
  try {
    payload = jwt.verify(token, hmacKey(secret), { algorithms: ['HS256'], clockTimestamp: nowSeconds });
  } catch (error) {
    const name = (error as Error).name;
    return { ok: false, reason: name === 'TokenExpiredError' ? 'token expired' : `invalid token (${(error as Error).message})` };
  }
  if (typeof payload !== 'object' || payload === null || typeof (payload as { exp?: unknown }).exp !== 'number') {
    return { ok: false, reason: 'token has no expiry' };
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, reason: `invalid claims: ${claims.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const { sub, role, businessId } = claims.data;
  return { ok: true, principal: businessId ? { sub, role, businessId } : { sub, role } };
}

/** Mints an API token (dev tooling and tests). */
export function signApiToken(
  claims: { sub: string; role: Role; businessId?: string },
  secret: string,
  ttlSeconds = 3600,
): string {
  return jwt.sign(claims, hmacKey(secret), { algorithm: 'HS256', expiresIn: ttlSeconds });
}
