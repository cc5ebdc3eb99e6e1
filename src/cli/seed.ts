// `seed --bindings N`: fills the configured database with what the service itself writes
// for N bindings, for benchmarks and capacity tests. Identities go through
// `recordVerifiedIdentity` (real ciphertexts and keyed hashes), bindings through the
// repository and the audit entry the linking use case writes, attestations through
// `issueAttestation` (status-list entries allocated as the service allocates them, JWT
// and EIP-712 signed by the service's key store), and 1 % revocations and 0.5 %
// suspensions through `transitionBinding`. Every audit entry is appended with
// `appendAudit`, so `audit verify` passes afterwards.
//
// Speed: bindings are written in large transactions (--batch) by one writer; signatures
// are made by worker threads (--workers, one per core beside the writer's; see seed/signingPool.ts).
// A seed is resumable: each transaction holds whole citizens and the statuses of its
// bindings, so an interrupted run leaves a consistent database and `--resume` continues it.
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import type { Config } from '../config/config.js';
import { silentLogger } from '../observability/logger.js';
import { type AssembledApp, assemble } from '../runtime/assemble.js';
import { createApiClient, listClients } from '../services/apiClients.js';
import { issueAttestation } from '../services/attestations.js';
import { transitionBinding } from '../services/bindingStatus.js';
import type { ServiceContext } from '../services/context.js';
import { type PersonalData, PURPOSE, recordVerifiedIdentity } from '../services/identities.js';
import { createBinding } from '../services/wallets.js';
import type { BindingRow, Database } from '../store/database.js';
import { unitsOf } from '../store/transaction.js';
import { Progress, type ProgressStream } from './seed/progress.js';
import { IssuanceKeys, PreparedProtector, SigningPool, Turn } from './seed/signingPool.js';
import {
  accountsOfPerson,
  MAX_IDENTITIES,
  mix,
  type PlannedStatus,
  randomAccount,
  regulatorReason,
  revocationBy,
  StatusPlan,
  syntheticPerson,
} from './seed/synthetic.js';

export const SEED_USAGE = `  seed --bindings <n> [--clients <k>] [--keys-out <file>] [--accounts-out <file>]
       [--accounts-sample <m>] [--client-rate <per second>] [--resume] [--sizes]
       [--batch <bindings per transaction>] [--workers <signing threads>] [--concurrency <issuances>]
                   fill an empty database with n synthetic bindings as the service writes
                   them (identities, attestations, status lists, audit chain; 1 % revoked,
                   0.5 % suspended); --clients creates k exchange API clients (keys printed,
                   or written as JSON to --keys-out); --accounts-out writes m (10000) linked
                   accounts drawn at random, one per line; --resume continues an interrupted
                   or smaller seed up to n; --sizes prints bytes per table and index
`;

export interface SeedOptions {
  /** Total bindings the database should hold afterwards. */
  bindings: number;
  clients: number;
  /** Token-bucket rate (and burst) of the created clients. */
  clientRate: number;
  /** Bindings per transaction. */
  batch: number;
  /** Signing worker threads; 0 signs on the writer's thread. */
  workers: number;
  /** Issuances in flight at once (keeps the workers busy). */
  concurrency: number;
  resume: boolean;
  keysOut?: string;
  accountsOut?: string;
  accountsSample: number;
  sizes: boolean;
}

export interface SeedReport {
  identities: number;
  bindings: number;
  attestations: number;
  revoked: number;
  suspended: number;
  auditEntries: number;
  statusLists: number;
  clients: { id: string; name: string; key: string; scopes: string[] }[];
  rows: number;
  seconds: number;
  databaseBytes: number;
}

export class SeedRefusal extends Error {
  override name = 'SeedRefusal';
}

const EXCHANGE_SCOPES = ['attestations:read', 'identity:match', 'webhooks:manage'];
const REGULATOR_SYSTEM = 'Seed regulator system';
/** The writer's page cache while seeding (the service's default is 2 MB). */
const SQLITE_CACHE_KIB = 256 * 1024;

function positiveInteger(name: string, raw: string | undefined, fallback?: number, min = 1): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new SeedRefusal(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SeedRefusal(`--${name} must be an integer of at least ${min}, not "${raw}"`);
  }
  return value;
}

export function parseSeedArgs(args: string[]): SeedOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      bindings: { type: 'string' },
      clients: { type: 'string' },
      'client-rate': { type: 'string' },
      batch: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      resume: { type: 'boolean' },
      'keys-out': { type: 'string' },
      'accounts-out': { type: 'string' },
      'accounts-sample': { type: 'string' },
      sizes: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new SeedRefusal(`Unexpected argument: ${positionals.join(' ')}`);
  const bindings = positiveInteger('bindings', values.bindings);
  if (bindings > MAX_IDENTITIES) throw new SeedRefusal(`--bindings can be at most ${MAX_IDENTITIES}`);
  return {
    bindings,
    clients: positiveInteger('clients', values.clients, 0, 0),
    clientRate: positiveInteger('client-rate', values['client-rate'], 100_000),
    batch: positiveInteger('batch', values.batch, 2_000),
    // The writer is the busier side (SQL, audit hashing): one core for it, the rest sign.
    workers: positiveInteger('workers', values.workers, Math.max(1, availableParallelism() - 1), 0),
    concurrency: positiveInteger('concurrency', values.concurrency, 256),
    resume: values.resume ?? false,
    ...(values['keys-out'] ? { keysOut: values['keys-out'] } : {}),
    ...(values['accounts-out'] ? { accountsOut: values['accounts-out'] } : {}),
    accountsSample: positiveInteger('accounts-sample', values['accounts-sample'], 10_000),
    sizes: values.sizes ?? false,
  };
}

async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Tables holding rows, with their counts (migration bookkeeping aside). */
async function nonEmptyTables(db: Kysely<Database>): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = [];
  for (const { name, schema } of await db.introspection.getTables()) {
    const table = schema ? `${schema}.${name}` : name;
    // The tiled log's state row is written by its migration: an empty tree is no data.
    const bookkeeping = name === 'audit_tree' ? sql` where size > 0` : sql``;
    const { rows } = await sql`select 1 as one from ${sql.table(table)}${bookkeeping} limit 1`.execute(db);
    if (rows.length > 0) found.push({ table: name, rows: await countRows(db, table) });
  }
  return found;
}

async function auditTail(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

async function regulatorSystem(ctx: ServiceContext, report: SeedReport): Promise<string> {
  const existing = (await listClients(ctx)).find(
    (client) => client.name === REGULATOR_SYSTEM && client.status === 'active',
  );
  if (existing) return existing.id;
  const { client, key } = await createApiClient(ctx, {
    name: REGULATOR_SYSTEM,
    licenseNo: 'REGULATOR',
    scopes: ['regulator:read', 'regulator:act'],
  });
  report.clients.push({ id: client.id, name: client.name, key, scopes: client.scopes });
  return client.id;
}

interface PlannedBinding {
  index: number;
  account: string;
  status: PlannedStatus;
}

interface PlannedPerson {
  index: number;
  bindings: PlannedBinding[];
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure stops new work. */
async function eachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, runner));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

export async function databaseBytes(app: AssembledApp): Promise<number> {
  const { database } = app.services.config;
  if (database.kind === 'postgres') {
    const { rows } = await sql<{
      bytes: string;
    }>`select pg_database_size(current_database()) as bytes`.execute(app.db);
    return Number(rows[0]?.bytes ?? 0);
  }
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(`${database.filename}${suffix}`).size;
    } catch {
      // absent
    }
  }
  return bytes;
}

export interface ObjectSize {
  name: string;
  table: string;
  kind: 'table' | 'index';
  bytes: number;
}

/** Bytes on disk per table and index (SQLite: dbstat; PostgreSQL: heap with TOAST, and each index). */
export async function objectSizes(app: AssembledApp): Promise<ObjectSize[]> {
  const db = app.db;
  if (app.services.config.database.kind === 'postgres') {
    const { rows } = await sql<{ name: string; table: string; kind: string; bytes: string }>`
      select c.relname as name, c.relname as "table", 'table' as kind, pg_table_size(c.oid) as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relkind = 'r'
      union all
      select i.relname, t.relname, 'index', pg_relation_size(i.oid)
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = current_schema()`.execute(db);
    return rows
      .map((row) => ({ ...row, kind: row.kind as ObjectSize['kind'], bytes: Number(row.bytes) }))
      .sort((a, b) => b.bytes - a.bytes);
  }
  const { rows } = await sql<{ name: string; table: string | null; type: string | null; bytes: number }>`
    select s.name as name, m.tbl_name as "table", m.type as type, sum(s.pgsize) as bytes
      from dbstat s left join sqlite_master m on m.name = s.name
     group by s.name`.execute(db);
  return rows
    .map((row) => ({
      name: row.name,
      table: row.table ?? row.name,
      kind: (row.type === 'index' ? 'index' : 'table') as ObjectSize['kind'],
      bytes: Number(row.bytes),
    }))
    .sort((a, b) => b.bytes - a.bytes);
}

export interface SeedIo {
  /** Where progress goes (stderr). */
  progress: ProgressStream;
  /** Report lines (stdout). */
  log: (line: string) => void;
}

/** Seeds the assembled service's database; see the file comment. */
export async function seedDatabase(app: AssembledApp, options: SeedOptions, io: SeedIo): Promise<SeedReport> {
  const ctx = app.services;
  const db = ctx.db;
  const config = ctx.config;

  let identitiesBefore = 0;
  let bindingsBefore = 0;
  const occupied = await nonEmptyTables(db);
  if (occupied.length > 0) {
    const which = occupied.map(({ table, rows }) => `${table}: ${rows.toLocaleString('en')}`).join(', ');
    if (!options.resume) {
      throw new SeedRefusal(
        `The database is not empty (${which}). seed fills an empty database: point DATA_DIR or DATABASE_URL at a new one, or pass --resume to add to an earlier seed up to --bindings in total.`,
      );
    }
    identitiesBefore = occupied.find((t) => t.table === 'identities')?.rows ?? 0;
    bindingsBefore = occupied.find((t) => t.table === 'bindings')?.rows ?? 0;
    io.log(`Resuming: the database holds ${which}`);
  }

  const report: SeedReport = {
    identities: 0,
    bindings: 0,
    attestations: 0,
    revoked: 0,
    suspended: 0,
    auditEntries: 0,
    statusLists: 0,
    clients: [],
    rows: 0,
    seconds: 0,
    databaseBytes: 0,
  };
  const started = performance.now();
  const auditBefore = await auditTail(db);
  const listsBefore = await countRows(db, 'status_lists');
  if (config.database.kind === 'sqlite')
    await sql.raw(`pragma cache_size = -${SQLITE_CACHE_KIB}`).execute(db);

  const toAdd = Math.max(0, options.bindings - bindingsBefore);
  const chainId = config.chains.some((chain) => chain.id === 'eip155:1') ? 'eip155:1' : config.chains[0]!.id;
  const plan = new StatusPlan(options.bindings);
  const turn = new Turn();
  const protector = new PreparedProtector(ctx.protector);
  const pool =
    toAdd > 0 && options.workers > 0 ? await SigningPool.start(config, options.workers) : undefined;
  try {
    const regulatorId = toAdd > 0 ? await regulatorSystem(ctx, report) : '';
    if (toAdd > 0) {
      io.log(
        `Seeding ${toAdd.toLocaleString('en')} bindings into ${config.database.kind === 'sqlite' ? config.database.filename : 'PostgreSQL'} (${options.batch} per transaction, ${pool ? `${pool.size} signing workers` : 'signing on the writer thread'})`,
      );
    }
    const progress = new Progress(options.bindings, 'bindings', io.progress, bindingsBefore);
    let person = identitiesBefore;
    let bindingIndex = bindingsBefore;
    while (bindingIndex < options.bindings) {
      // Whole citizens per transaction, about `batch` bindings.
      const people: PlannedPerson[] = [];
      const batchEnd = Math.min(options.bindings, bindingIndex + options.batch);
      while (bindingIndex < batchEnd) {
        const count = Math.min(accountsOfPerson(person), options.bindings - bindingIndex);
        const bindings = Array.from({ length: count }, () => {
          const index = bindingIndex++;
          return { index, account: randomAccount(chainId), status: plan.statusOf(index) };
        });
        people.push({ index: person++, bindings });
      }

      const changes = await unitsOf(db).run(async (trx) => {
        const later: { binding: BindingRow; planned: PlannedBinding }[] = [];
        await eachConcurrently(people, options.concurrency, async ({ index, bindings }) => {
          const p = syntheticPerson(index);
          // What recordVerifiedIdentity encrypts, encrypted before it runs in the turn.
          const personal: PersonalData = {
            givenName: p.givenName,
            familyName: p.familyName,
            birthDate: p.birthDate,
          };
          await Promise.all([
            protector.prepare(JSON.stringify(personal), PURPOSE.personalData),
            protector.prepare(p.nationalId, PURPOSE.nationalId),
          ]);
          const { identity } = await turn.run(() =>
            recordVerifiedIdentity({ ...ctx, protector }, trx, { ...p, country: config.country }),
          );
          for (const planned of bindings) {
            // As the linking use case writes it.
            const binding = await turn.run(() =>
              createBinding(trx, {
                identityId: identity.id,
                account: { id: planned.account, chainId },
                method: 'eip191',
                now: ctx.clock.now(),
              }),
            );
            const issuance = new IssuanceKeys(ctx.keys, pool, turn);
            try {
              await issueAttestation({ ...ctx, keys: issuance.keys }, trx, binding, {
                type: 'citizen',
                id: identity.id,
              });
            } finally {
              issuance.done();
            }
            if (planned.status !== 'active') later.push({ binding, planned });
            progress.advance();
          }
        });
        // Status changes as the holder's unlink and the regulator's actions make them.
        for (const { binding, planned } of later.sort((a, b) => a.planned.index - b.planned.index)) {
          const i = planned.index;
          const byHolder = planned.status === 'revoked' && revocationBy(i) === 'holder';
          await transitionBinding(ctx, trx, binding, {
            transition: planned.status === 'revoked' ? 'revoke' : 'suspend',
            ...(byHolder
              ? { reason: 'holder_request', actor: { type: 'citizen' as const, id: binding.identity_id } }
              : {
                  reason: regulatorReason(i),
                  actor: { type: 'regulator' as const, id: regulatorId },
                  details: {
                    legalReference: `Case ${1000 + (mix(i, 9) % 9000)}/2025`,
                    via: 'api-key',
                    purpose: 'aml_investigation',
                    caseReference: `AFM-2025/${String(mix(i, 11) % 100_000).padStart(5, '0')}`,
                  },
                }),
          });
        }
        return later;
      });
      report.identities += people.length;
      for (const p of people) report.bindings += p.bindings.length;
      report.revoked += changes.filter((c) => c.planned.status === 'revoked').length;
      report.suspended += changes.filter((c) => c.planned.status === 'suspended').length;
    }
    progress.finish();
    report.attestations = report.bindings;
  } finally {
    await pool?.close();
  }

  for (let i = 0; i < options.clients; i++) {
    const { client, key } = await createApiClient(ctx, {
      name: `Seed exchange ${i + 1}`,
      licenseNo: `SEED-${String(i + 1).padStart(4, '0')}`,
      scopes: EXCHANGE_SCOPES,
      rate: { perSecond: options.clientRate, burst: options.clientRate },
    });
    report.clients.push({ id: client.id, name: client.name, key, scopes: client.scopes });
  }

  report.seconds = (performance.now() - started) / 1000;
  report.auditEntries = (await auditTail(db)) - auditBefore;
  report.statusLists = (await countRows(db, 'status_lists')) - listsBefore;
  // Identities (a created one per person), bindings, attestations, audit entries, new status lists, clients.
  report.rows =
    report.identities +
    report.bindings +
    report.attestations +
    report.auditEntries +
    report.statusLists +
    report.clients.length;
  if (config.database.kind === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  report.databaseBytes = await databaseBytes(app);

  if (options.accountsOut) {
    const accounts = await db
      .selectFrom('bindings')
      .select('account')
      .orderBy(sql`random()`)
      .limit(options.accountsSample)
      .execute();
    writeFileSync(options.accountsOut, accounts.map((row) => `${row.account}\n`).join(''));
    io.log(
      `Wrote ${accounts.length.toLocaleString('en')} accounts drawn at random to ${options.accountsOut}`,
    );
  }
  if (options.keysOut && report.clients.length > 0) {
    writeFileSync(options.keysOut, `${JSON.stringify(report.clients, null, 2)}\n`, { mode: 0o600 });
    io.log(`Wrote ${report.clients.length} API keys to ${options.keysOut} (file mode 600)`);
  }
  return report;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 1 })} MiB`;
}

/** The `seed` command: parses its arguments, seeds, prints the report. */
export async function seedCommand(config: Config, args: string[]): Promise<number> {
  const options = parseSeedArgs(args);
  const app = await assemble(config, { logger: silentLogger });
  try {
    const log = (line: string) => console.log(line);
    const report = await seedDatabase(app, options, { progress: process.stderr, log });
    const perSecond = (n: number) => Math.round(n / Math.max(report.seconds, 1e-9)).toLocaleString('en');
    log(
      `Seeded ${report.bindings.toLocaleString('en')} bindings of ${report.identities.toLocaleString('en')} identities (${report.revoked} revoked, ${report.suspended} suspended), ${report.attestations.toLocaleString('en')} attestations, ${report.auditEntries.toLocaleString('en')} audit entries, ${report.statusLists} new status lists in ${report.seconds.toFixed(1)} s`,
    );
    log(
      `${perSecond(report.rows)} rows/s (${report.rows.toLocaleString('en')} rows), ${perSecond(report.bindings)} bindings/s`,
    );
    const total = await countRows(app.db, 'bindings');
    log(
      `Database size on disk: ${mib(report.databaseBytes)} (${total > 0 ? Math.round(report.databaseBytes / total).toLocaleString('en') : '-'} bytes per binding)`,
    );
    if (!options.keysOut) {
      for (const client of report.clients) log(`API key of ${client.name} (${client.id}): ${client.key}`);
    }
    if (options.sizes) {
      const sizes = await objectSizes(app);
      const all = sizes.reduce((sum, s) => sum + s.bytes, 0);
      log('');
      log(
        `${'object'.padEnd(36)} ${'table'.padEnd(20)} ${'bytes'.padStart(14)} ${'per binding'.padStart(12)} share`,
      );
      // Objects of one page are the empty tables and their indexes.
      const shown = sizes.filter((s) => s.bytes > 4096);
      for (const s of shown) {
        log(
          `${`${s.name}${s.kind === 'index' ? ' (index)' : ''}`.padEnd(36)} ${s.table.padEnd(20)} ${s.bytes.toLocaleString('en').padStart(14)} ${(total > 0 ? (s.bytes / total).toFixed(0) : '-').padStart(12)} ${((s.bytes / all) * 100).toFixed(1).padStart(5)} %`,
        );
      }
      const rest = sizes.length - shown.length;
      if (rest > 0) log(`(${rest} more objects of one page each)`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
