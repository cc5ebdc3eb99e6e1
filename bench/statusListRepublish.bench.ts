// Republishing a full status list after a change to one entry, at 1M attestations, against
// a cached fetch of the same list in the same run.
//   database: 1M bindings with their attestations (rows padded to a realistic size) in
//   8 status lists of 131,072 entries (the last one partly filled); 1 % revoked (invalid),
//   0.5 % suspended, loaded with INSERT … SELECT over a recursive CTE;
//   each flip suspends or reinstates one binding of the first (full) list through the
//   real status-change function, then the next read of that list is timed (it rebuilds
//   and re-signs it); between flips, reads of the unchanged list are timed as the baseline.
// Run: npx tsx bench/statusListRepublish.bench.ts [--attestations N] [--flips N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { changeBinding } from '../src/services/bindingStatus.js';
import { publishedStatusList, STATUS_LIST_TYP } from '../src/services/statusLists.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const ATTESTATIONS = option('attestations', 1_000_000);
const FLIPS = option('flips', 100);
const CACHED_PER_FLIP = 20;
const LIST_SIZE = 131_072;
const LISTS = Math.ceil(ATTESTATIONS / LIST_SIZE);

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function report(label: string, samples: number[]) {
  const median = quantile(samples, 0.5);
  const p99 = quantile(samples, 0.99);
  console.log(
    `${label.padEnd(52)} median ${median.toFixed(3).padStart(9)} ms   p99 ${p99.toFixed(3).padStart(9)} ms   (n=${samples.length})`,
  );
  return { median, p99 };
}

const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  STATUS_LIST_SIZE: String(LIST_SIZE),
  STATUS_LIST_PUBLISH_DELAY_SECONDS: '0',
});
if (config.database.kind !== 'sqlite') throw new Error('this benchmark builds a SQLite database');
const assembled = await assemble(config, { logger: silentLogger });
try {
  // Bulk load on a connection of its own (the service's one stays idle meanwhile).
  const loadStart = performance.now();
  const raw = new SQLite(config.database.filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('foreign_keys = OFF');
  const at = new Date().toISOString();
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const numbersBelow = (count: number) =>
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;
  const numbers = numbersBelow(ATTESTATIONS);
  // i % 200: 0 and 1 revoked (1 %), 2 suspended (0.5 %), the rest active.
  const bindingStatus = `CASE WHEN i % 200 < 2 THEN 'revoked' WHEN i % 200 = 2 THEN 'suspended' ELSE 'active' END`;
  const attestationStatus = `CASE WHEN i % 200 < 2 THEN 'invalid' WHEN i % 200 = 2 THEN 'suspended' ELSE 'valid' END`;
  raw.transaction(() => {
    raw
      .prepare(
        `${numbersBelow(Math.ceil(ATTESTATIONS / 20))}
         INSERT INTO identities (id, country, national_id_hash, national_id_ciphertext,
           personal_data_ciphertext, level, source, webauthn_user_id, roles, verified_at, created_at)
         SELECT printf('idn%07d', i), 'KZ', printf('h%07d', i), hex(randomblob(40)), hex(randomblob(90)),
           'substantial', 'oidc', printf('w%07d', i), 'citizen', ?, ? FROM n`,
      )
      .run(at, at);
    raw
      .prepare(
        `${numbers}
         INSERT INTO bindings (id, identity_id, account, chain_id, method, status, created_at,
           status_changed_at, revocation_reason)
         SELECT printf('b%07d', i), printf('idn%07d', i / 20), printf('eip155:1:0x%040x', i), 'eip155:1',
           'eip191', ${bindingStatus}, ?, ?, CASE WHEN i % 200 < 2 THEN 'fraud' END FROM n`,
      )
      .run(at, at);
    const insertList = raw.prepare(
      `INSERT INTO status_lists (id, bits, size, next_index, version, published_version,
         published_token, published_at, changed_at, created_at)
       VALUES (?, 2, ?, ?, 0, -1, NULL, NULL, ?, ?)`,
    );
    for (let l = 0; l < LISTS; l++) {
      insertList.run(`list${l}`, LIST_SIZE, Math.min(LIST_SIZE, ATTESTATIONS - l * LIST_SIZE), at, at);
    }
    // A signed JWT is ~700 characters and the EIP-712 package ~1,500: pad the rows to that.
    raw
      .prepare(
        `${numbers}
         INSERT INTO attestations (id, binding_id, kid, status_list_id, status_list_index, status,
           issued_at, expires_at, jwt, eip712)
         SELECT printf('a%07d', i), printf('b%07d', i), 'bench-kid', 'list' || (i / ${LIST_SIZE}),
           i % ${LIST_SIZE}, ${attestationStatus}, ?, ?, hex(randomblob(350)), hex(randomblob(750)) FROM n`,
      )
      .run(at, expires);
  })();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const plan = raw
    .prepare(
      `EXPLAIN QUERY PLAN SELECT status_list_index, status FROM attestations
       WHERE status_list_id = 'list0' AND status IN ('invalid', 'suspended')`,
    )
    .all() as { detail: string }[];
  raw.close();
  const loadSeconds = (performance.now() - loadStart) / 1000;
  console.log(
    `loaded ${ATTESTATIONS.toLocaleString('en')} bindings and attestations in ${LISTS} lists in ${loadSeconds.toFixed(1)} s ` +
      `(${Math.round((2 * ATTESTATIONS) / loadSeconds).toLocaleString('en')} rows/s)`,
  );
  console.log(`plan of the rebuild query: ${plan.map((p) => p.detail).join('; ')}`);

  const { services } = assembled;
  const keys = services.keys;
  let signatures = 0;
  const signJwt = keys.signJwt.bind(keys);
  keys.signJwt = (typ, payload) => {
    if (typ === STATUS_LIST_TYP) signatures++;
    return signJwt(typ, payload);
  };

  // Reference: the rebuild query as it was (`<> 'valid'`, reads every entry of the list).
  const scanQuery = services.db
    .selectFrom('attestations')
    .select(['status_list_index', 'status'])
    .where('status_list_id', '=', 'list0')
    .where('status', '<>', 'valid');
  const scan: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await scanQuery.execute();
    scan.push(performance.now() - start);
  }

  const first = await publishedStatusList(services, 'list0'); // first publication, warms up
  signatures = 0;
  const republish: number[] = [];
  const cached: number[] = [];
  const flip: number[] = [];
  let previous = first.token;
  for (let k = 0; k < FLIPS; k++) {
    // Pairs of flips: suspend an active binding, then reinstate it (index 3 + 200 j is active).
    const bindingNo = 3 + 200 * ((Math.floor(k / 2) * 37) % Math.floor(LIST_SIZE / 200));
    const flipStart = performance.now();
    await changeBinding(services, `b${String(bindingNo).padStart(7, '0')}`, {
      transition: k % 2 === 0 ? 'suspend' : 'reinstate',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    flip.push(performance.now() - flipStart);

    const before = signatures;
    const start = performance.now();
    const published = await publishedStatusList(services, 'list0');
    republish.push(performance.now() - start);
    if (published.token === previous || signatures !== before + 1) {
      throw new Error('the read after a change did not republish the list exactly once');
    }
    previous = published.token;

    for (let c = 0; c < CACHED_PER_FLIP; c++) {
      const cachedStart = performance.now();
      const again = await publishedStatusList(services, 'list0');
      cached.push(performance.now() - cachedStart);
      if (again.token !== published.token) throw new Error('an unchanged list was republished');
    }
  }
  if (signatures !== FLIPS) throw new Error(`expected ${FLIPS} signatures, saw ${signatures}`);

  console.log('');
  const scanStats = report("reference: rebuild query with <> 'valid' (full list)", scan);
  const flipStats = report('status change through changeBinding', flip);
  const republishStats = report('next read after the change (rebuild + sign + store)', republish);
  const cachedStats = report('baseline: read of the unchanged list (cached)', cached);
  console.log(
    `ratio: republishing costs ${(republishStats.median / cachedStats.median).toFixed(0)}× a cached read ` +
      `(target: republish ≤ 50 ms at 1M)\n`,
  );
  console.log(`statuslist_republish_ms=${republishStats.median.toFixed(2)}`);
  console.log(`statuslist_republish_ms_p99=${republishStats.p99.toFixed(2)}`);
  console.log(`statuslist_cached_fetch_ms=${cachedStats.median.toFixed(3)}`);
  console.log(`statuslist_cached_fetch_ms_p99=${cachedStats.p99.toFixed(3)}`);
  console.log(`statuslist_status_change_ms=${flipStats.median.toFixed(2)}`);
  console.log(`statuslist_full_scan_query_ms=${scanStats.median.toFixed(2)}`);
} finally {
  await assembled.close();
  rmSync(dataDir, { recursive: true, force: true });
}
