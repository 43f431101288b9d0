import { TokenRateLimiter } from './token-rate-limiter';

describe('TokenRateLimiter', () => {
  it('allows the limit per link per window, then refuses, then allows again', () => {
    const limiter = new TokenRateLimiter(20, 60_000);
    for (let i = 0; i < 20; i++) expect(limiter.take('t1', 1000)).toBe(true);
    expect(limiter.take('t1', 1000)).toBe(false);
    expect(limiter.take('t2', 1000)).toBe(true);
    expect(limiter.take('t1', 61_000)).toBe(true);
  });
});
