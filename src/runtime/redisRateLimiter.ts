// Token buckets shared by every instance, in Redis: one Lua script per charge does the
// domain's refill and take atomically on the server (EVALSHA; ioredis loads the script
// again after a Redis restart). A bucket's key expires once it would be full again, so
// Redis holds only the buckets in use.
//
// When Redis cannot be reached, each instance charges its own in-memory buckets instead
// and logs that once; it logs again when Redis answers, and from then on charges the
// shared buckets (those in memory are dropped, so an outage's charges are not counted
// twice). Each instance keeps enforcing the limit on its own meanwhile, so the service
// allows at most (instances × the limit) during an outage rather than refusing every
// exchange request because of a store that only holds counters. Commands fail at once
// while disconnected (no offline queue) and within `commandTimeoutMs` when Redis hangs;
// during an outage only one charge at a time, once a second, tries Redis again.
import { Redis } from 'ioredis';
import { type BucketRule, type TakeResult, takeResult } from '../domain/exchange/rateLimit.js';
import type { Logger } from '../observability/logger.js';
import { MemoryRateLimiter, type RateLimiter } from '../services/rateLimiter.js';

// KEYS[1] the bucket; ARGV burst, perSecond, cost, now (epoch ms). Returns {granted, tokens, at}.
const TAKE_TOKENS_LUA = `
local burst, rate, cost, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local bucket = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens, at = burst, now
if bucket[1] then tokens = tonumber(bucket[1]); at = tonumber(bucket[2]) end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local granted = tokens >= cost
if granted then tokens = tokens - cost end
at = math.max(at, now)
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {granted and 1 or 0, tostring(tokens), tostring(at)}`;

type TakeTokensReply = [number, string, string];

interface RedisWithTakeTokens extends Redis {
  takeTokens(
    key: string,
    burst: number,
    perSecond: number,
    cost: number,
    nowMs: number,
  ): Promise<TakeTokensReply>;
}

export interface RedisRateLimiterOptions {
  url: string;
  /** Prefixed to every bucket key, so several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  logger: Logger;
  /**
   * A charge that takes longer counts as Redis being away (default 1 s: long enough that
   * a loaded event loop does not pass for an outage, which would loosen the limits).
   */
  commandTimeoutMs?: number;
  /** During an outage, the pause between a failed try and the next (default 1 s). */
  probeIntervalMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: RedisWithTakeTokens;
  private readonly local = new MemoryRateLimiter();
  private shared = true;
  private probing = false;
  private nextProbeAt = 0;
  private closed = false;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      // Reconnects by itself, at most a second apart, for as long as the instance runs.
      retryStrategy: (times) => Math.min(1000, 50 * times),
    }) as RedisWithTakeTokens;
    this.redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS_LUA });
    // Connection errors are reported through the charges' failures (logged once per outage).
    this.redis.on('error', () => {});
  }

  /**
   * Resolves once connected, or after `timeoutMs` (the instance then starts on its own
   * buckets and switches when Redis answers): before it, every charge would be local.
   */
  async connected(timeoutMs = 2000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.redis.once('ready', done);
    });
  }

  /** Whether charges go to the shared buckets now (false during an outage). */
  get sharing(): boolean {
    return this.shared;
  }

  async take(key: string, rule: BucketRule, cost: number, now: Date): Promise<TakeResult> {
    // During an outage one charge at a time asks Redis, at most once per
    // `probeIntervalMs` after a failed try; the others do not wait on it.
    if (!this.shared && (this.probing || performance.now() < this.nextProbeAt)) {
      return this.local.take(key, rule, cost, now);
    }
    const probe = !this.shared;
    if (probe) this.probing = true;
    try {
      const [granted, tokens, at] = await this.redis.takeTokens(
        key,
        rule.burst,
        rule.perSecond,
        cost,
        now.getTime(),
      );
      if (!this.shared) this.recovered();
      return takeResult(rule, cost, { tokens: Number(tokens), at: Number(at) }, granted === 1);
    } catch (error) {
      if (this.shared) this.failing(error);
      this.nextProbeAt = performance.now() + (this.options.probeIntervalMs ?? 1000);
      return this.local.take(key, rule, cost, now);
    } finally {
      if (probe) this.probing = false;
    }
  }

  private failing(error: unknown): void {
    this.shared = false;
    if (this.closed) return;
    this.options.logger.log(
      'error',
      'shared rate limits unreachable; this instance charges its own buckets',
      {
        error: error instanceof Error ? error.message : String(error),
      },
    );
  }

  private recovered(): void {
    this.shared = true;
    this.local.clear();
    this.options.logger.log('info', 'shared rate limits reachable again');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
