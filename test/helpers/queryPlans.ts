// Query-plan checks shared by the suites that prove a path is served by indexes: record
// the statements the service sends (Kysely's log hook), explain each with the parameters it
// was sent with, and fail on a full read of a table that grows with the data.
//
// What counts as a full read:
// - SQLite (`EXPLAIN QUERY PLAN`): `SCAN <table>`, with or without an index, unless the
//   statement reads the first rows in its own order and stops (a SELECT with LIMIT, no
//   WHERE, no temporary B-tree).
// - PostgreSQL (`EXPLAIN (FORMAT JSON)` with seq scans discouraged): a Seq Scan, or an
//   index scan without an index condition that is not under a Limit without a filter.
import { CompiledQuery, type Kysely, type LogEvent, PostgresAdapter, sql } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/store/database.js';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

export interface Plan {
  sql: string;
  lines: string[];
  /** Large tables read in full, with the plan line that does it. */
  fullScans: string[];
}

/** Which tables count as large (growing with the country) for a suite. */
/**
 * Whether a full read of this table (through this index, where the plan names one) grows
 * with the data. A partial index can hold few rows of a large table: its suite says so.
 */
export type LargeTable = (table: string, index?: string) => boolean;

/** A Kysely log hook that records statements while `statementsOf` runs its work. */
export function statementRecorder() {
  let capturing = false;
  const captured: Statement[] = [];
  return {
    databaseLog(event: LogEvent) {
      if (capturing) captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
    /** The distinct data statements `work` sends (transaction control left out). */
    async statementsOf(work: () => Promise<void>): Promise<Statement[]> {
      captured.length = 0;
      capturing = true;
      try {
        await work();
      } finally {
        capturing = false;
      }
      const distinct = new Map<string, Statement>();
      for (const statement of captured) {
        if (/^\s*(with|select|insert|update|delete)\b/i.test(statement.sql) && !distinct.has(statement.sql))
          distinct.set(statement.sql, statement);
      }
      return [...distinct.values()];
    },
  };
}

/** Table names as the plan shows them: aliases (`"x" as "y"`) resolved to the table. */
function aliasesOf(text: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const match of text.matchAll(/"(\w+)" as "(\w+)"/g)) aliases.set(match[2]!, match[1]!);
  return aliases;
}

async function explainSqlite(db: Kysely<Database>, statement: Statement, large: LargeTable): Promise<Plan> {
  const { rows } = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
  );
  const lines = rows.map((row) => row.detail);
  const aliases = aliasesOf(statement.sql);
  // A scan in its own order, stopped by LIMIT after that many rows, filtering nothing.
  const bounded =
    /^\s*select\b/i.test(statement.sql) &&
    /\blimit\b/i.test(statement.sql) &&
    !/\bwhere\b/i.test(statement.sql) &&
    !lines.some((line) => line.includes('TEMP B-TREE'));
  const fullScans = lines.filter((line) => {
    const match = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(line);
    if (!match) return false;
    return large(aliases.get(match[1]!) ?? match[1]!, match[2]) && !bounded;
  });
  return { sql: statement.sql, lines, fullScans };
}

/** Conditions over 1,000 values would bury the plan's shape. */
const clipped = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PgNode[];
}

async function explainPostgres(db: Kysely<Database>, statement: Statement, large: LargeTable): Promise<Plan> {
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(
      CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
    );
  });
  const lines: string[] = [];
  const fullScans: string[] = [];
  const walk = (node: PgNode, depth: number, underLimit: boolean) => {
    const table = node['Relation Name'];
    const line =
      `${'  '.repeat(depth)}${node['Node Type']}` +
      (node['Index Name'] ? ` using ${node['Index Name']}` : '') +
      (table ? ` on ${table}` : '') +
      (node['Index Cond'] ? ` (${clipped(node['Index Cond'])})` : '') +
      (node.Filter ? ` filter ${clipped(node.Filter)}` : '');
    lines.push(line);
    const wholeIndex =
      (node['Node Type'] === 'Index Scan' || node['Node Type'] === 'Index Only Scan') &&
      !node['Index Cond'] &&
      !(underLimit && !node.Filter);
    if (table && large(table, node['Index Name']) && (node['Node Type'] === 'Seq Scan' || wholeIndex))
      fullScans.push(line.trim());
    for (const child of node.Plans ?? []) walk(child, depth + 1, underLimit || node['Node Type'] === 'Limit');
  };
  walk(rows[0]!['QUERY PLAN'][0].Plan, 0, false);
  return { sql: statement.sql, lines, fullScans };
}

export function explainStatement(
  db: Kysely<Database>,
  statement: Statement,
  large: LargeTable,
): Promise<Plan> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? explainPostgres(db, statement, large)
    : explainSqlite(db, statement, large);
}

/** The statement with long parameter lists folded, for the failure message. */
function shortened(text: string): string {
  return text.replace(
    /\((?:(?:\?|\$\d+), ){3,}(?:\?|\$\d+)\)/g,
    (list) => `(… ${list.split(',').length} parameters)`,
  );
}

/**
 * Explains every statement; fails listing each one that reads a large table in full.
 * `mustTouch` names tables the recording must have seen: one that missed the path would
 * pass vacuously. QUERY_PLAN_DEBUG=1 prints every plan, failing or not.
 */
export async function expectNoFullScans(
  db: Kysely<Database>,
  statements: Statement[],
  mustTouch: string[],
  large: LargeTable,
): Promise<void> {
  for (const table of mustTouch) {
    expect(
      statements.some((s) => s.sql.includes(`"${table}"`)),
      `no statement on ${table} was recorded`,
    ).toBe(true);
  }
  const plans: Plan[] = [];
  for (const statement of statements) plans.push(await explainStatement(db, statement, large));
  if (process.env.QUERY_PLAN_DEBUG) {
    for (const plan of plans) console.log(`${shortened(plan.sql)}\n    ${plan.lines.join('\n    ')}`);
  }
  const scanning = plans.filter((plan) => plan.fullScans.length > 0);
  const report = scanning
    .map((plan) => `${shortened(plan.sql)}\n    ${plan.lines.join('\n    ')}`)
    .join('\n\n');
  expect(scanning.length, `full scans of large tables:\n\n${report}`).toBe(0);
}
