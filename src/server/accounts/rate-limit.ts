/**
 * Per-key request rate limit: a token bucket per key holding up to `limit` requests, refilled at
 * `limit` per minute, so a key may burst to its limit and then continue at the steady rate.
 *
 * In memory, per process: right for one server. A server scaled out across processes would keep the
 * buckets in Redis (the same check as one Lua script), behind this same `take` call.
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until one request is available again (0 when allowed). */
  readonly retryAfter: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

const WINDOW_MS = 60_000;
/** Buckets idle this long are full again and can be forgotten. */
const FORGET_AFTER_MS = 2 * WINDOW_MS;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one request from `key`'s bucket of `limit` per minute. */
  take(key: string, limit: number): RateDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: limit, updated: now };
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.updated) * limit) / WINDOW_MS);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit, remaining: Math.floor(bucket.tokens), retryAfter: 0 };
    }
    const retryAfter = Math.ceil(((1 - bucket.tokens) * WINDOW_MS) / limit / 1000);
    return { allowed: false, limit, remaining: 0, retryAfter };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.updated > FORGET_AFTER_MS) this.buckets.delete(key);
  }
}
