// The rate-limiter port and its in-memory adapter (one instance's buckets). Several
// instances share their buckets through Redis (runtime/redisRateLimiter.ts, chosen by
// measurement: docs/architecture.md). The bucket arithmetic is the domain's.
import {
  type BucketRule,
  type BucketState,
  type TakeResult,
  takeTokens,
} from '../domain/exchange/rateLimit.js';

export interface RateLimiter {
  /** Takes `cost` tokens from the bucket `key` if it holds them; cost 0 only reads it. */
  take(key: string, rule: BucketRule, cost: number, now: Date): Promise<TakeResult>;
}

/** One process's buckets, bounded: the least recently used buckets are dropped first (a dropped bucket is full). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  constructor(private readonly maxBuckets = 100_000) {}

  async take(key: string, rule: BucketRule, cost: number, now: Date): Promise<TakeResult> {
    const previous = this.buckets.get(key);
    const result = takeTokens(previous, rule, cost, now.getTime());
    this.buckets.delete(key);
    this.buckets.set(key, result.state);
    if (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return result;
  }

  /** Forgets every bucket (each is full again). */
  clear(): void {
    this.buckets.clear();
  }
}
