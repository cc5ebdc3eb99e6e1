// The console's new queries on request paths are answered through indexes, on SQLite and
// on PostgreSQL, with the tables filled well beyond what the pages read: the dashboard's
// daily counts (a primary-key range of the counter table, whatever the number of
// bindings), and an identity's and a binding's history (the audit log by subject).
// The statements are the ones the pages really send, recorded through Kysely's log hook
// while an officer opens them over HTTP; each is explained with its own parameters. The
// reading of the plans is the one in test/store/queryPlans.test.ts (PostgreSQL with
// enable_seqscan off, so that a plan shows which index serves the query at any size).
import { CompiledQuery, type LogEvent, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { signedInCitizens } from './walletFlow.js';

const POSTGRES = process.env.TEST_DATABASE === 'postgres';
const AUDIT_ROWS = 150_000;
/** Ten years of counters for each counted action, before the days the test itself counts. */
const COUNTER_DAYS = 3_650;

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

let capturing = false;
const captured: Statement[] = [];
function databaseLog(event: LogEvent) {
  if (capturing) captured.push({ sql: event.query.sql, parameters: event.query.parameters });
}

async function statementsOf(work: () => Promise<void>): Promise<Statement[]> {
  captured.length = 0;
  capturing = true;
  try {
    await work();
  } finally {
    capturing = false;
  }
  const distinct = new Map<string, Statement>();
  for (const s of captured) {
    if (/^\s*(with|select|insert|update|delete)\b/i.test(s.sql) && !distinct.has(s.sql))
      distinct.set(s.sql, s);
  }
  return [...distinct.values()];
}

let server: TestServer;
let officer: TestBrowser;
let identityId: string;
let bindingId: string;

/** Plan lines that read one of `tables` in full. */
async function fullScans(
  statement: Statement,
  tables: string[],
): Promise<{ lines: string[]; scans: string[] }> {
  const db = server.assembled.db;
  if (!POSTGRES) {
    const { rows } = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
    );
    const lines = rows.map((r) => r.detail);
    // The audit tail (ORDER BY seq DESC LIMIT 1, no WHERE) reads one row in its own order.
    const bounded = /\blimit\b/i.test(statement.sql) && !/\bwhere\b/i.test(statement.sql);
    const scans = lines.filter((line) => {
      const table = /^SCAN (\w+)/.exec(line)?.[1];
      return table !== undefined && tables.includes(table) && !bounded;
    });
    return { lines, scans };
  }
  interface Node {
    'Node Type': string;
    'Relation Name'?: string;
    'Index Name'?: string;
    'Index Cond'?: string;
    Filter?: string;
    Plans?: Node[];
  }
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return trx.executeQuery<{ 'QUERY PLAN': [{ Plan: Node }] }>(
      CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
    );
  });
  const lines: string[] = [];
  const scans: string[] = [];
  const walk = (node: Node, depth: number, underLimit: boolean) => {
    const table = node['Relation Name'];
    const line = `${'  '.repeat(depth)}${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${table ? ` on ${table}` : ''}${node['Index Cond'] ? ` (${node['Index Cond']})` : ''}`;
    lines.push(line);
    const wholeIndex =
      (node['Node Type'] === 'Index Scan' || node['Node Type'] === 'Index Only Scan') &&
      !node['Index Cond'] &&
      !(underLimit && !node.Filter);
    if (table && tables.includes(table) && (node['Node Type'] === 'Seq Scan' || wholeIndex))
      scans.push(line.trim());
    for (const child of node.Plans ?? []) walk(child, depth + 1, underLimit || node['Node Type'] === 'Limit');
  };
  walk(rows[0]!['QUERY PLAN'][0].Plan, 0, false);
  return { lines, scans };
}

async function expectIndexed(statements: Statement[], table: string, tables: string[]) {
  expect(
    statements.some((s) => s.sql.includes(`"${table}"`)),
    `no statement on ${table} was recorded`,
  ).toBe(true);
  const failing: string[] = [];
  for (const statement of statements) {
    const { lines, scans } = await fullScans(statement, tables);
    if (scans.length > 0) failing.push(`${statement.sql}\n    ${lines.join('\n    ')}`);
  }
  expect(failing, `full scans:\n\n${failing.join('\n\n')}`).toEqual([]);
}

beforeAll(async () => {
  server = await startTestServer({}, undefined, undefined, databaseLog);
  const [person] = await signedInCitizens(server, 1);
  await setRegulatorRole(server.assembled.services, person!.nationalId, true);
  officer = person!.browser;
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
