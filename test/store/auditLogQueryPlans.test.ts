// The audit log at scale: the reads of the tiled log and of the subject index are index
// lookups, and integrating the log does not make the service's memory grow with it.
//
// The log is filled by bulk INSERT … SELECT (entries with the chain's columns; the tiles
// use the stored `hash` column as the leaf, so the filler need not chain), a citizen is
// named by one entry in 50,000. Then, over HTTP, the citizen's own entries, an inclusion
// proof, a consistency proof, the checkpoint, tiles and entry bundles, and a cosignature
// are asked for; every distinct statement the service sent is explained and must not read
// a large table in full (same rules as queryPlans.test.ts: SQLite's EXPLAIN QUERY PLAN
// `SCAN`, PostgreSQL's `Seq Scan` or unbounded whole-index scan with enable_seqscan off).
//
// Size: AUDIT_SCALE_ENTRIES (default 50,000, so the suite stays in the default run);
// `AUDIT_SCALE_ENTRIES=1000000 npx vitest run test/store/auditLogQueryPlans.test.ts`
// is the national-scale run whose figures docs/audit.md quotes. The heap is measured
// after a forced collection before integration, at half the log and at the whole log.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrate } from '../../src/services/logIntegrator.js';
import { parseSignedNote, testWitness, tileIndex as tile } from '../audit/independentTlog.js';
import { expectNoFullScans, type Statement, statementRecorder } from '../helpers/queryPlans.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';

const POSTGRES = process.env.TEST_DATABASE === 'postgres';
const ENTRIES = Number(process.env.AUDIT_SCALE_ENTRIES ?? 50_000);
/** Tables that stay one row whatever the log's size. */
const SMALL_TABLES = new Set(['audit_tree', 'api_clients', 'job_leases']);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const { databaseLog, statementsOf } = statementRecorder();
const large = (table: string) => !SMALL_TABLES.has(table);
const witness = testWitness('witness.example.org/scale');
let server: TestServer;
let citizen: Awaited<ReturnType<typeof signedInCitizens>>[number];
const figures: Record<string, number | string> = {};

async function fill(n: number, identityId: string) {
  const db = server.assembled.db;
  const start = Number(
    (
      await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('seq').as('m'))
        .executeTakeFirst()
    )?.m ?? 0,
  );
  const chunk = 100_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    const series = POSTGRES
      ? `generate_series(${from}::bigint, ${to}) as g(i)`
      : `(with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to}) select i from s) as g`;
    const hash = POSTGRES ? `lpad(to_hex(${start} + i), 64, '0')` : `printf('%064x', ${start} + i)`;
    const subject = `case when i % 50000 = 0 then '${identityId}' else 'person-' || (i % 100000) end`;
    await sql
      .raw(
        `insert into audit_log (seq, at, actor_type, actor_id, action, subject_type, subject_id, details, prev_hash, hash)
         select ${start} + i, '2026-01-01T00:00:00.000Z', 'system', null, 'scale.filler', 'identity', ${subject},
                '{}', '${'0'.repeat(64)}', ${hash} from ${series}`,
      )
      .execute(db);
  }
  await sql.raw('analyze').execute(db);
}

beforeAll(async () => {
  server = await startTestServer({ LOG_WITNESSES: witness.vkey }, undefined, undefined, databaseLog);
  citizen = (await signedInCitizens(server, 1))[0]!;
  const seedStart = Date.now();
  await fill(ENTRIES, citizen.identityId);
  figures.seedSeconds = (Date.now() - seedStart) / 1000;
}, 1_800_000);
afterAll(async () => {
  console.log(
    `audit log at ${ENTRIES} entries (${POSTGRES ? 'postgres' : 'sqlite'}): ${JSON.stringify(figures)}`,
  );
  await server?.close();
});

function expectIndexedOnly(statements: Statement[], mustTouch: string[]) {
  return expectNoFullScans(server.assembled.db, statements, mustTouch, large);
}

describe(`the audit log at ${ENTRIES.toLocaleString('en')} entries`, () => {
  it('integrates them with a heap that does not grow with the log', async () => {
    const services = server.assembled.services;
    const total = Number(
      (
        await services.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.max('seq').as('m'))
          .executeTakeFirst()
      )?.m,
    );
    const before = heapMb();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20);
    }, 20);
    const started = Date.now();
    try {
      await integrate(services, { upTo: Math.floor(total / 2) });
      const half = heapMb();
      const halfSeconds = (Date.now() - started) / 1000;
      await integrate(services, { upTo: total });
      const whole = heapMb();
      Object.assign(figures, {
        entries: total,
        integrateSeconds: (Date.now() - started) / 1000,
        halfSeconds,
        heapBeforeMb: before.toFixed(1),
        heapAtHalfMb: half.toFixed(1),
        heapAtWholeMb: whole.toFixed(1),
        heapPeakMb: peak.toFixed(1),
        // What the former all-leaves tree held: every leaf and interior hash, 32 bytes each.
        formerTreeMb: ((2 * total * 32) / 2 ** 20).toFixed(1),
      });
      // Integrating the second half leaves the heap where the first half left it, and the
      // service holds nothing like one hash per entry (64 bytes per entry at this size).
      expect(whole - half).toBeLessThan(8);
      expect(whole - before).toBeLessThan(Math.max(16, (total * 64) / 2 ** 20 / 4));
    } finally {
      clearInterval(sampler);
    }
    const head = await services.db.selectFrom('audit_tree').select('size').executeTakeFirstOrThrow();
    expect(Number(head.size)).toBe(total);
  }, 1_800_000);

  it("answers the citizen's entries, activity, proofs, checkpoint, tiles and cosignatures through indexes", async () => {
    const browser = citizen.browser;
    let size = 0;
    let seq = 0;
    let note = '';
    const statements = await statementsOf(async () => {
      const started = performance.now();
      const { entries } = await json<{ entries: { seq: number }[] }>(await browser.get('/v1/me/audit'));
      figures.ownEntriesMs = Math.round(performance.now() - started);
      expect(entries.length).toBeGreaterThanOrEqual(Math.floor(ENTRIES / 50_000));
      seq = entries.at(-1)!.seq;
      const warm = performance.now();
      await browser.get('/v1/me/audit');
      figures.ownEntriesWarmMs = Math.round(performance.now() - warm);
      const activityStarted = performance.now();
      expect((await browser.get('/v1/me/activity')).status).toBe(200);
      figures.activityMs = Math.round(performance.now() - activityStarted);
      const checkpoint = await fetch(`${server.baseUrl}/log/checkpoint`);
      note = await checkpoint.text();
      size = Number(note.split('\n')[1]);
      const proofStarted = performance.now();
      const proof = await browser.get(`/v1/audit/entries/${seq}/proof?treeSize=${size}`);
      figures.inclusionProofMs = Math.round(performance.now() - proofStarted);
      expect(proof.status).toBe(200);
      const proofWarm = performance.now();
      await browser.get(`/v1/audit/entries/${entries[0]!.seq}/proof?treeSize=${size}`);
      figures.inclusionProofWarmMs = Math.round(performance.now() - proofWarm);
      const consistency = await fetch(
        `${server.baseUrl}/v1/audit/consistency?first=${Math.floor(size / 3)}&second=${size}`,
      );
      expect(consistency.status).toBe(200);
      const last = Math.floor(size / 256);
      for (const path of [
        `0/${tile(last - 1)}`,
        `1/${tile(Math.floor(last / 256))}.p/${last % 256 || 1}`,
        `entries/${tile(last - 1)}`,
      ]) {
        const response = await fetch(`${server.baseUrl}/log/tile/${path}`);
        expect(response.status, path).toBe(200);
      }
      const text = parseSignedNote(note).text;
      const cosigned = await fetch(`${server.baseUrl}/log/cosignature`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `${text}\n${witness.cosign(text, Math.floor(Date.now() / 1000))}\n`,
      });
      expect(cosigned.status).toBe(200);
      expect((await (await fetch(`${server.baseUrl}/log/checkpoint`)).text()).split('\n').length).toBe(7);
    });
    await expectIndexedOnly(statements, [
      'audit_subjects',
      'audit_tiles',
      'audit_cosignatures',
      'audit_tree',
    ]);
  }, 600_000);
});
