// The exchange API's hot path, measured against its baseline in the same run:
//   1. API-key checks through the bounded cache vs a database lookup per request;
//   2. query-log entries through the buffered writer vs one INSERT per request.
// Run: npx tsx bench/exchangeHotPath.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { hashToken } from '../src/crypto/tokens.js';
import { constantTimeEqual } from '../src/domain/exchange/apiKeys.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { createApiClient } from '../src/services/apiClients.js';
import { BufferedQueryLog } from '../src/services/queryLog.js';
import { findApiClientByPrefix } from '../src/store/repositories/apiClients.js';

async function time(
  label: string,
  iterations: number,
  run: (i: number) => Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i++) await run(i); // warm up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run(i);
  const perOp = (performance.now() - start) / iterations;
  console.log(`${label.padEnd(48)} ${(perOp * 1000).toFixed(1).padStart(8)} µs/op`);
  return perOp;
}

const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-'));
const assembled = await assemble(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' }), {
  logger: silentLogger,
});
try {
  const { services, apiKeys } = assembled;
  const { key, client } = await createApiClient(services, {
    name: 'bench',
    licenseNo: 'B',
    scopes: ['attestations:read'],
  });
  const header = `Bearer ${key}`;
  const N = 20_000;

  console.log('API key check');
  const uncached = await time('baseline: database lookup + hash per request', N, async () => {
    const row = await findApiClientByPrefix(services.db, client.keyPrefix);
    if (!row || !constantTimeEqual(await hashToken(key), row.key_hash)) throw new Error('bad key');
  });
  const cached = await time('cached authenticator', N, () =>
    apiKeys.authenticate(header, 'attestations:read'),
  );
  console.log(`ratio: cached is ${(uncached / cached).toFixed(1)}× faster than the baseline\n`);

  console.log('Query log');
  const entry = (i: number) => ({
    clientId: client.id,
    kind: 'lookup' as const,
    account: `eip155:1:0x${i.toString(16).padStart(40, '0')}`,
    result: 'none',
    at: new Date(),
  });
  const direct = await time('baseline: one INSERT per request', N, (i) =>
    services.db
      .insertInto('query_log')
      .values({
        id: `d${i}-${Math.random()}`,
        client_id: client.id,
        kind: 'lookup',
        account: entry(i).account,
        result: 'none',
        at: new Date().toISOString(),
      })
      .execute(),
  );
  const log = new BufferedQueryLog(services.db, { maxBuffered: 1000, onError: () => {} });
  const buffered = await time('buffered writer (record; flush every 1000)', N, async (i) => {
    log.record([entry(i)]);
  });
  const flushStart = performance.now();
  await log.flush();
  const perEntryFlush = (performance.now() - flushStart) / N;
  console.log(
    `buffered writer, amortised incl. final flush      ${((buffered + perEntryFlush) * 1000).toFixed(1).padStart(8)} µs/op`,
  );
  console.log(`ratio: the request path is ${(direct / buffered).toFixed(1)}× cheaper than the baseline`);
} finally {
  await assembled.close();
  rmSync(dataDir, { recursive: true, force: true });
}
