// The console's new queries on request paths are answered through indexes, on SQLite and
// on PostgreSQL, with the tables filled well beyond what the pages read: the dashboard's
// daily counts (a primary-key range of the counter table, whatever the number of
// bindings), and an identity's and a binding's history (the audit log by subject).
// The statements are the ones the pages really send, recorded through Kysely's log hook
// while an officer opens them over HTTP; each is explained with its own parameters. The
// reading of the plans is the shared one in test/helpers/queryPlans.ts (PostgreSQL with
// enable_seqscan off, so that a plan shows which index serves the query at any size).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { expectNoFullScans, type Statement, statementRecorder } from '../helpers/queryPlans.js';
import { openCaseIn } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { signedInCitizens } from './walletFlow.js';

const POSTGRES = process.env.TEST_DATABASE === 'postgres';
const AUDIT_ROWS = 150_000;
/** Ten years of counters for each counted action, before the days the test itself counts. */
const COUNTER_DAYS = 3_650;

const { databaseLog, statementsOf } = statementRecorder();

let server: TestServer;
let officer: TestBrowser;
let identityId: string;
let bindingId: string;

/** Fails when a statement reads one of `tables` in full; `table` must have been read. */
function expectIndexed(statements: Statement[], table: string, tables: string[]) {
  return expectNoFullScans(server.assembled.db, statements, [table], (name) => tables.includes(name));
}

beforeAll(async () => {
  server = await startTestServer({}, undefined, undefined, databaseLog);
  const [person] = await signedInCitizens(server, 1);
  await setRegulatorRole(server.assembled.services, person!.nationalId, true);
  officer = person!.browser;
  openCaseIn(server, officer);
  const citizen = await citizenWithAccounts(server, 2);
  identityId = citizen.identityId;
  bindingId = citizen.linked[0]!.bindingId;
  const db = server.assembled.db;
  const series = (n: number) =>
    POSTGRES
      ? `generate_series(1, ${n}) as g(i)`
      : `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s) as g`;
  const { seq } = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirstOrThrow();
  // Entries about other people, past the real tail (their hashes are not checked here).
  await sql
    .raw(
      `insert into audit_log (seq, at, actor_type, actor_id, action, subject_type, subject_id, details, prev_hash, hash)
       select ${Number(seq)} + i, '2025-01-01T00:00:00.000Z', 'citizen', null, 'binding.created', 'binding',
              'filler-' || i, '{}', 'x', 'filler-' || i from ${series(AUDIT_ROWS)}`,
    )
    .execute(db);
  const day = POSTGRES
    ? `to_char(date '2016-01-01' + i, 'YYYY-MM-DD')`
    : `date('2016-01-01', '+' || i || ' days')`;
  for (const action of [
    'binding.created',
    'binding.suspended',
    'binding.revoked',
    'attestation.suspended',
    'attestation.revoked',
  ]) {
    await sql
      .raw(
        `insert into daily_activity (day, action, count) select ${day}, '${action}', i from ${series(COUNTER_DAYS)}`,
      )
      .execute(db);
  }
  await sql.raw('analyze').execute(db);
}, 120_000);

afterAll(async () => {
  // The filler entries would fail the chain checks of anyone reusing the server.
  await server?.close();
});

describe('console query plans', () => {
  it('reads the dashboard counts through the counter table key', async () => {
    const statements = await statementsOf(async () => {
      expect((await officer.get('/regulator/dashboard?days=365')).status).toBe(200);
    });
    await expectIndexed(statements, 'daily_activity', ['daily_activity', 'audit_log']);
  });

  it('reads a person and a binding with their history through indexes', async () => {
    const statements = await statementsOf(async () => {
      expect((await officer.get(`/regulator/identities/${identityId}`)).status).toBe(200);
      expect((await officer.get(`/regulator/bindings/${bindingId}`)).status).toBe(200);
      expect(
        (await officer.get(`/regulator/act?action=suspend&target=identity&id=${identityId}`)).status,
      ).toBe(200);
    });
    // Bindings, attestations and identities by key are the citizen pages' queries, checked at
    // national proportions in test/store/queryPlans.test.ts; here the log is the large table.
    await expectIndexed(statements, 'audit_log', ['audit_log', 'daily_activity']);
  });
});
