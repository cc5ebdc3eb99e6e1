// The cost of one rate-limit charge, for the limiter instances share, against the
// in-memory one as the baseline in the same run:
//   memory     one process's buckets (MemoryRateLimiter), what a single node uses;
//   postgres   one upsert per charge on an UNLOGGED table (no WAL flush at commit), the
//              refill and take in SQL; `select 1` beside it is the bare round trip;
//   redis      RedisRateLimiter (runtime/redisRateLimiter.ts): a Lua token bucket.
// Each is measured one charge at a time (the latency a request pays) and with 32 charges
// in flight, on one client's bucket (every charge on one row/key) and on 1000 buckets.
// Run: npx tsx bench/rateLimiter.bench.ts [--pg-url …] [--redis-url …] [--seconds 3]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type BucketRule, type TakeResult, takeResult } from '../src/domain/exchange/rateLimit.js';
import { silentLogger } from '../src/observability/logger.js';
import { RedisRateLimiter } from '../src/runtime/redisRateLimiter.js';
import { MemoryRateLimiter, type RateLimiter } from '../src/services/rateLimiter.js';
import { createRateBucketsTable, PostgresRateLimiter } from './postgresRateLimiter.js';

const { values } = parseArgs({
  options: {
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    seconds: { type: 'string', default: '3' },
  },
});
const seconds = Number(values.seconds);

/** The bare round trip, for scale: what any statement costs before it does anything. */
class RoundTripOnly implements RateLimiter {
  constructor(private readonly pool: pg.Pool) {}
  async take(_key: string, rule: BucketRule, cost: number, now: Date): Promise<TakeResult> {
    await this.pool.query({ name: 'one', text: 'select 1' });
    return takeResult(rule, cost, { tokens: rule.burst, at: now.getTime() }, true);
  }
}

// Never empty, so every charge does the whole refill-and-take.
const RULE: BucketRule = { perSecond: 1_000_000, burst: 1_000_000 };

async function measure(limiter: RateLimiter, inFlight: number, keys: number) {
  const run = async (ms: number) => {
    let ops = 0;
    const latencies: number[] = [];
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, worker) => {
        for (let i = worker; performance.now() < end; i += inFlight) {
          const t0 = performance.now();
          await limiter.take(`bench:${i % keys}`, RULE, 1, new Date());
          latencies.push(performance.now() - t0);
          ops++;
        }
      }),
    );
    return { ops, latencies };
  };
  await run(500); // warm-up: JIT, connections, prepared script
  const { ops, latencies } = await run(seconds * 1000);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: ops / seconds, p50: at(0.5), p99: at(0.99) };
}

const scratch = `wa_bench_ratelimit_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: values['pg-url'] });
await admin.connect();
await admin.query(`create database ${scratch}`);
const url = new URL(values['pg-url']);
url.pathname = `/${scratch}`;
// The service's pool size (store/postgres.ts).
const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
pool.on('error', () => {});
const redis = new RedisRateLimiter({
  url: values['redis-url'],
  keyPrefix: `${scratch}:`,
  logger: silentLogger,
  commandTimeoutMs: 5000,
});
try {
  await createRateBucketsTable(pool);
  await redis.take('probe', RULE, 0, new Date());
  if (!redis.sharing) throw new Error(`Redis is not reachable at ${values['redis-url']}`);
  const limiters: [string, RateLimiter][] = [
    ['memory (baseline)', new MemoryRateLimiter()],
    ['postgres select 1', new RoundTripOnly(pool)],
    ['postgres upsert', new PostgresRateLimiter(pool)],
    ['redis Lua', redis],
  ];
  console.log(
    `${'limiter'.padEnd(20)} ${'case'.padEnd(24)} ${'charges/s'.padStart(10)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)}`,
  );
  for (const [inFlight, keys, label] of [
    [1, 1, 'one at a time'],
    [32, 1, '32 in flight, 1 bucket'],
    [32, 1000, '32 in flight, 1000 buckets'],
  ] as const) {
    for (const [name, limiter] of limiters) {
      const r = await measure(limiter, inFlight, keys);
      console.log(
        `${name.padEnd(20)} ${label.padEnd(24)} ${r.perSecond.toFixed(0).padStart(10)} ${(r.p50 * 1000).toFixed(0).padStart(8)} ${(r.p99 * 1000).toFixed(0).padStart(8)}`,
      );
    }
  }
  if (!redis.sharing) throw new Error('Redis failed during the run: its figures are the fallback');
} finally {
  await redis.close();
  await pool.end();
  await admin.query(`drop database if exists ${scratch} with (force)`);
  await admin.end();
}
