import jwt from 'jsonwebtoken';
import { decideAccess } from './access.policy';
import { signApiToken, verifyApiToken } from './tokens';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('verifyApiToken', () => {
  it('accepts a valid HS256 token and returns the caller', () => {
    const token = signApiToken({ sub: 'u1', role: 'business', businessId: 'b1' }, secret);
    expect(verifyApiToken(token, secret)).toEqual({ ok: true, principal: { sub: 'u1', role: 'business', businessId: 'b1' } });
  });

  it('refuses an expired token', () => {
    const token = signApiToken({ sub: 'u1', role: 'analyst' }, secret, 60);
    expect(verifyApiToken(token, secret, Math.floor(Date.now() / 1000) + 3600)).toEqual({ ok: false, reason: 'token expired' });
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyApiToken(signApiToken({ sub: 'u1', role: 'analyst' }, 'another-secret-another-secret-0123'), secret).ok).toBe(false);
  });

  it('refuses alg none and other algorithms, even with the right secret', () => {
    const none = jwt.sign({ sub: 'u1', role: 'analyst' }, '', { algorithm: 'none', expiresIn: 60 });
    const hs512 = jwt.sign({ sub: 'u1', role: 'analyst' }, secret, { algorithm: 'HS512', expiresIn: 60 });
    expect(verifyApiToken(none, secret).ok).toBe(false);
    expect(verifyApiToken(hs512, secret).ok).toBe(false);
  });

  it('refuses a token without expiry or with bad claims', () => {
    expect(verifyApiToken(jwt.sign({ sub: 'u1', role: 'analyst' }, secret, { algorithm: 'HS256' }), secret).ok).toBe(false);
    expect(verifyApiToken(signApiToken({ sub: 'u1', role: 'business' }, secret), secret).ok).toBe(false);
    expect(verifyApiToken(jwt.sign({ sub: 'u1', role: 'root' }, secret, { algorithm: 'HS256', expiresIn: 60 }), secret).ok).toBe(false);
  });
});

describe('decideAccess', () => {
  const rule = { roles: ['business', 'processor'] as const, tenantParam: 'businessId' };
  it('lets a business read its own data', () => {
    expect(decideAccess({ sub: 'u1', role: 'business', businessId: 'b1' }, rule, { businessId: 'b1' }, 'GET').allowed).toBe(true);
  });
  it('refuses another business', () => {
    expect(decideAccess({ sub: 'u1', role: 'business', businessId: 'b2' }, rule, { businessId: 'b1' }, 'GET').allowed).toBe(false);
  });
  it('refuses a role the route does not name', () => {
    expect(decideAccess({ sub: 'a1', role: 'analyst' }, rule, { businessId: 'b1' }, 'GET').allowed).toBe(false);
  });
  it('keeps processors read-only (F13)', () => {
    const processor = { sub: 'p1', role: 'processor' as const, businessId: 'b1' };
    expect(decideAccess(processor, rule, { businessId: 'b1' }, 'GET').allowed).toBe(true);
    expect(decideAccess(processor, rule, { businessId: 'b1' }, 'DELETE').allowed).toBe(false);
  });
});
