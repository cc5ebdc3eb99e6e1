// The operator's list of officers (GET /v1/operator/regulators, `regulators list`) at 1M
// identities, against a primary-key read of one identity in the same run, and against the
// same predicate sent as a bound parameter (which SQLite cannot match to the partial
// index `identities_officers`, so it scans every identity): what the index saves.
//   database: SQLite file, 5 officers made through the real path (verified identity, the
//   role granted) among 1M identities loaded with INSERT … SELECT over a recursive CTE.
// Run: npx tsx bench/officers.bench.ts [--identities N] [--rounds N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { listOfficers, setRegulatorRole } from '../src/services/regulator.js';
import { steppedUpSession, syntheticIins } from '../test/helpers/citizens.js';

const { values } = parseArgs({
  options: { identities: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '200' } },
});
const IDENTITIES = Number(values.identities);
const ROUNDS = Number(values.rounds);
const OFFICERS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(rounds: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-officers-'));
try {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' });
  const app = await assemble(config, { logger: silentLogger });
  const services = app.services;
  const officers = syntheticIins(OFFICERS);
  for (const nationalId of officers) {
    await steppedUpSession(services, nationalId, 'substantial');
    await setRegulatorRole(services, nationalId, true);
  }
  const filler = new SQLite(config.database.kind === 'sqlite' ? config.database.filename : '');
  const loadStarted = performance.now();
  filler.exec(`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${IDENTITIES})
    insert into identities (id, country, national_id_hash, national_id_ciphertext,
      personal_data_ciphertext, level, source, webauthn_user_id, roles, verified_at, created_at)
    select 'filler-' || i, 'KZ', 'hash-' || i, 'v1.' || hex(randomblob(48)), 'v1.' || hex(randomblob(96)),
      'substantial', 'dev', 'user-' || i, 'citizen', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
    from n`);
  filler.exec('analyze');
  filler.close();
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const listed = await listOfficers(services);
  if (listed.length !== OFFICERS) throw new Error(`expected ${OFFICERS} officers, listed ${listed.length}`);
  const one = `filler-${Math.floor(IDENTITIES / 2)}`;
  const baseline = await timed(ROUNDS, () =>
    services.db.selectFrom('identities').selectAll().where('id', '=', one).executeTakeFirst(),
  );
  const list = await timed(ROUNDS, () => listOfficers(services));
  const scan = await timed(Math.max(3, Math.floor(ROUNDS / 50)), () =>
    services.db.selectFrom('identities').selectAll().where('roles', 'like', '%regulator%').execute(),
  );
  console.log(`${IDENTITIES} identities (loaded in ${loadSeconds.toFixed(1)} s), ${OFFICERS} officers`);
  console.log(`primary-key read of one identity (baseline): ${baseline.toFixed(3)} ms median`);
  console.log(
    `listOfficers (partial index, decrypting each): ${list.toFixed(3)} ms median, ratio ${(list / baseline).toFixed(1)}`,
  );
  console.log(
    `same predicate as a bound parameter (full scan): ${scan.toFixed(1)} ms median, ratio ${(scan / baseline).toFixed(0)}`,
  );
  await app.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
