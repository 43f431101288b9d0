import { createHash } from 'node:crypto';

/**
 * Requests per respondent (or documentation) link per minute. DESIGN.md 3.3 asks for at least 20;
 * more than a person clicking needs, few enough to stop a script hammering one link.
 */
export const REQUESTS_PER_TOKEN_PER_MINUTE = 30;

/** A fixed-window counter per link, in memory (each instance limits on its own). */
export class TokenRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit = REQUESTS_PER_TOKEN_PER_MINUTE,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; false when the link is over its limit. */
  take(token: string, now = Date.now()): boolean {
    const key = createHash('sha256').update(token).digest('base64url');
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size > 50_000) this.evict(now);
      this.windows.set(key, { startedAt: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
