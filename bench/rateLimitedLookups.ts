// The cost of a rate-limit charge per exchange request, through the whole service: one
// instance on a scratch PostgreSQL database answering single lookups under autocannon
// (bench/load.ts, 20 connections), its limiter swapped between runs of the same process:
// memory (the baseline), the PostgreSQL upsert (bench/postgresRateLimiter.ts, on the
// service's own database) and Redis (runtime/redisRateLimiter.ts). Each variant runs
// twice, interleaved, so all see the same machine.
//   npx tsx bench/rateLimitedLookups.ts [--seconds 6] [--pg-url …] [--redis-url …]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { createNodeServer } from '../src/runtime/nodeServer.js';
import { createApiClient } from '../src/services/apiClients.js';
import { MemoryRateLimiter, type RateLimiter } from '../src/services/rateLimiter.js';
import { unknownAccount } from './datasets.js';
import type { LoadResult, LoadSpec } from './load.js';
import { createRateBucketsTable, PostgresRateLimiter } from './postgresRateLimiter.js';
import { run } from './procs.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});

const name = `wa_bench_limited_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: values['pg-url'] });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(values['pg-url']);
url.pathname = `/${name}`;
const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-limited-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  DATABASE_URL: url.toString(),
  REDIS_URL: values['redis-url'],
  REDIS_KEY_PREFIX: `${name}:`,
  LOG_LEVEL: 'error',
});
const assembled = await assemble(config, { logger: silentLogger });
const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
pool.on('error', () => {});
const server = createNodeServer(assembled.app.fetch, config.http);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
try {
  await createRateBucketsTable(pool);
  const { key } = await createApiClient(assembled.services, {
    name: 'bench',
    licenseNo: 'B',
    scopes: ['attestations:read'],
    rate: { perSecond: 1_000_000, burst: 1_000_000 },
  });
  const limiters: Record<string, RateLimiter> = {
    memory: new MemoryRateLimiter(),
    postgres: new PostgresRateLimiter(pool),
    redis: assembled.services.limiter,
  };
  const spec: LoadSpec = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    method: 'GET',
    paths: Array.from({ length: 2000 }, () => `/v1/attestations/${unknownAccount()}`),
    headers: { authorization: `Bearer ${key}` },
    connections: 20,
    durationSeconds: Number(values.seconds),
    warmupSeconds: 2,
  };
  const specFile = join(dataDir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const results: Record<string, LoadResult[]> = { memory: [], postgres: [], redis: [] };
  for (const round of [1, 2]) {
    for (const variant of Object.keys(limiters)) {
      assembled.services.limiter = limiters[variant]!;
      const outcome = await run(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'load.ts'), specFile],
        {
          timeoutMs: 120_000,
        },
      );
      const result = JSON.parse(outcome.stdout.trim().split('\n').at(-1)!) as LoadResult;
      results[variant]!.push(result);
      console.error(
        `round ${round} ${variant}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms`,
      );
    }
  }
  console.log('limiter    req/s (two runs)    p50 ms        p99 ms        non-2xx');
  for (const [variant, runs] of Object.entries(results)) {
    const fmt = (f: (r: LoadResult) => number, digits: number) =>
      runs.map((r) => f(r).toFixed(digits)).join(' / ');
    console.log(
      `${variant.padEnd(10)} ${fmt((r) => r.rps, 0).padEnd(19)} ${fmt((r) => r.p50, 2).padEnd(13)} ${fmt((r) => r.p99, 2).padEnd(13)} ${runs.map((r) => r.unexpected).join(' / ')}`,
    );
  }
} finally {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await assembled.close();
  await pool.end();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
