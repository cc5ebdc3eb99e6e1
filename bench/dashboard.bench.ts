// The regulator dashboard's daily counts at national scale: the counter table kept by the
// audit append (what the dashboard reads) against counting the audit log itself for the
// same days, with and without an index on (action, at), in the same run; and what the
// counter costs each counted event on the write path (an audit append of a counted action
// against one of an action that is not counted).
//   database: SQLite (the default store), or PostgreSQL with --postgres (a scratch database
//   on TEST_POSTGRES_URL, dropped afterwards), with N audit entries (default 1M) spread evenly
//   over the last 365 days: 40 % links, 4 % suspensions, 3 % revocations, the rest
//   lookups, sign-ins and issued attestations; the counters built from them the way
//   migration 0012 counts an existing log.
// Run: npx tsx bench/dashboard.bench.ts [--entries N] [--reads N] [--writes N] [--postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { dailyActivity } from '../src/services/dashboard.js';
import { appendAudit } from '../src/store/repositories/auditLog.js';
import { unitsOf } from '../src/store/transaction.js';
import { createPostgresDatabase } from '../test/helpers/postgres.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const ENTRIES = option('entries', 1_000_000);
const READS = option('reads', 50);
const WRITES = option('writes', 2_000);
const POSTGRES = process.argv.includes('--postgres');

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function report(label: string, samples: number[]) {
  console.log(
    `${label.padEnd(60)} median ${quantile(samples, 0.5).toFixed(3).padStart(9)} ms   p99 ${quantile(samples, 0.99).toFixed(3).padStart(9)} ms   (n=${samples.length})`,
  );
}

async function time(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-dashboard-'));
const scratch = POSTGRES ? await createPostgresDatabase('wa_bench') : undefined;
try {
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    PUBLIC_URL: 'http://localhost:8787',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const app = await assemble(config, { logger: silentLogger });
  const db = app.db;
  const services = app.services;
  const now = services.clock.now().getTime();
  const seeded = performance.now();
  // One entry every (365 days / N), newest now; the action by the entry's number mod 100.
  const series = POSTGRES
    ? `generate_series(1, ${ENTRIES}) as s(i)`
    : `(with recursive r(i) as (select 1 union all select i + 1 from r where i < ${ENTRIES}) select i from r) as s`;
  const at = (seconds: string) =>
    POSTGRES
      ? `to_char(to_timestamp(${seconds}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`;
  await sql
    .raw(
      `insert into audit_log (seq, at, actor_type, actor_id, action, subject_type, subject_id, details, prev_hash, hash)
       select i,
              ${at(`(${now / 1000} - 31536000.0) + i * (31536000.0 / ${ENTRIES})`)},
              'citizen', null,
              case when i % 100 < 40 then 'binding.created'
                   when i % 100 < 44 then 'binding.suspended'
                   when i % 100 < 47 then 'binding.revoked'
                   when i % 100 < 70 then 'attestation.issued'
                   when i % 100 < 85 then 'regulator.lookup'
                   else 'session.started' end,
              'binding', 'subject-' || (i % 250000), '{}', 'seed', 'seed-' || i
       from ${series}`,
    )
    .execute(db);
  await sql`delete from daily_activity`.execute(db);
  await sql
    .raw(
      `insert into daily_activity (day, action, count)
       select substr(at, 1, 10), action, count(*) from audit_log
       where action in ('binding.created', 'binding.suspended', 'binding.revoked',
                        'attestation.suspended', 'attestation.revoked')
       group by substr(at, 1, 10), action`,
    )
    .execute(db);
  await sql`analyze`.execute(db);
  const counters = await sql<{ n: number }>`select count(*) as n from daily_activity`.execute(db);
  console.log(
    `${POSTGRES ? 'PostgreSQL' : 'SQLite'}: seeded ${ENTRIES.toLocaleString('en')} audit entries and ${counters.rows[0]!.n} counter rows in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const fromDay = (days: number) => new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const countLog = (days: number) =>
    sql`select substr(at, 1, 10) as day, action, count(*) as n from audit_log
        where at >= ${`${fromDay(days)}T00:00:00.000Z`}
          and action in ('binding.created', 'binding.suspended', 'binding.revoked',
                         'attestation.suspended', 'attestation.revoked')
        group by substr(at, 1, 10), action`.execute(db);

  // The answers agree before anything is timed.
  const fromCounters = await dailyActivity(services, 30);
  const fromLog = (await countLog(30)).rows as { day: string; action: string; n: number }[];
  const links = fromCounters.reduce((sum, d) => sum + d.links, 0);
  const logLinks = fromLog.filter((r) => r.action === 'binding.created').reduce((s, r) => s + Number(r.n), 0);
  if (links !== logLinks) throw new Error(`counters (${links}) and the log (${logLinks}) disagree`);

  for (const days of [30, 365]) {
    report(`counters: dashboard of ${days} days`, await time(READS, () => dailyActivity(services, days)));
    report(
      `baseline: count the audit log, ${days} days, no index`,
      await time(Math.min(READS, 10), () => countLog(days)),
    );
  }
  await sql`create index bench_audit_action_at on audit_log (action, at)`.execute(db);
  await sql`analyze`.execute(db);
  for (const days of [30, 365]) {
    report(
      `baseline: count the audit log, ${days} days, index (action, at)`,
      await time(Math.min(READS, 20), () => countLog(days)),
    );
  }
  await sql`drop index bench_audit_action_at`.execute(db);

  // The write path: one audit append per transaction, counted action or not, interleaved.
  const counted: number[] = [];
  const uncounted: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    for (const [action, samples] of [
      ['binding.suspended', counted],
      ['passkey.used', uncounted],
    ] as const) {
      const started = performance.now();
      await unitsOf(db).run((trx) =>
        appendAudit(
          trx,
          { actorType: 'system', actorId: null, action, subjectType: 'binding', subjectId: `w${i}` },
          new Date(),
        ),
      );
      samples.push(performance.now() - started);
    }
  }
  report('write: audit append of a counted action (+ counter upsert)', counted);
  report('write: audit append of an action not counted (baseline)', uncounted);
  await app.close();
} finally {
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
