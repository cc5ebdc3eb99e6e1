// Token buckets: `burst` tokens, refilled at `perSecond`. Pure arithmetic over a state the
// limiter stores, so any store (one instance's memory, or PostgreSQL shared by several
// instances, which does the same refill and take in one statement) gives the same answers.

export interface BucketRule {
  perSecond: number;
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch milliseconds of the last update. */
  at: number;
}

export interface TakeResult {
  allowed: boolean;
  state: BucketState;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until `cost` tokens are available (0 when allowed). */
  retryAfterSeconds: number;
}

export function takeTokens(
  state: BucketState | undefined,
  rule: BucketRule,
  cost: number,
  now: number,
): TakeResult {
  const previous = state ?? { tokens: rule.burst, at: now };
  const elapsed = Math.max(0, now - previous.at) / 1000;
  const tokens = Math.min(rule.burst, previous.tokens + elapsed * rule.perSecond);
  const allowed = tokens >= cost;
  return takeResult(rule, cost, { tokens: allowed ? tokens - cost : tokens, at: now }, allowed);
}

/**
 * The answer for a bucket left at `state` by a take of `cost` that was (or was not)
 * allowed: for a store that does the refill and the take itself, in one atomic step.
 */
export function takeResult(rule: BucketRule, cost: number, state: BucketState, allowed: boolean): TakeResult {
  const left = state.tokens;
  return {
    allowed,
    state,
    limit: rule.burst,
    remaining: Math.floor(left),
    resetSeconds: Math.ceil((rule.burst - left) / rule.perSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - left) / rule.perSecond)),
  };
}
