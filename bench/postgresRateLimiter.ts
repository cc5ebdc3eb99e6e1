// The PostgreSQL token bucket measured against Redis and memory (not the service's: the
// measurements chose Redis, docs/architecture.md): one upsert per charge on an UNLOGGED
// table, so a charge costs no WAL flush at commit.
import type pg from 'pg';
import { type BucketRule, type TakeResult, takeResult } from '../src/domain/exchange/rateLimit.js';
import type { RateLimiter } from '../src/services/rateLimiter.js';

export async function createRateBucketsTable(pool: pg.Pool): Promise<void> {
  await pool.query(
    'create unlogged table if not exists rate_buckets (key text primary key, tokens float8 not null, at_ms float8 not null, granted boolean not null)',
  );
}

// The refill and take of the domain's takeTokens in one upsert; `granted` carries the
// answer out of the one statement (RETURNING sees only the new row).
const CHARGE_SQL = `
insert into rate_buckets as b (key, tokens, at_ms, granted)
values ($1, case when $2::float8 >= $4::float8 then $2::float8 - $4::float8 else $2::float8 end, $5::float8, $2::float8 >= $4::float8)
on conflict (key) do update set
  tokens = case when least($2::float8, b.tokens + greatest(0, $5::float8 - b.at_ms) / 1000 * $3::float8) >= $4::float8
    then least($2::float8, b.tokens + greatest(0, $5::float8 - b.at_ms) / 1000 * $3::float8) - $4::float8
    else least($2::float8, b.tokens + greatest(0, $5::float8 - b.at_ms) / 1000 * $3::float8) end,
  granted = least($2::float8, b.tokens + greatest(0, $5::float8 - b.at_ms) / 1000 * $3::float8) >= $4::float8,
  at_ms = greatest(b.at_ms, $5::float8)
returning tokens, at_ms, granted`;

export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly pool: pg.Pool) {}
  async take(key: string, rule: BucketRule, cost: number, now: Date): Promise<TakeResult> {
    const { rows } = await this.pool.query<{ tokens: number; at_ms: number; granted: boolean }>({
      name: 'charge',
      text: CHARGE_SQL,
      values: [key, rule.burst, rule.perSecond, cost, now.getTime()],
    });
    const row = rows[0]!;
    return takeResult(rule, cost, { tokens: row.tokens, at: row.at_ms }, row.granted);
  }
}
