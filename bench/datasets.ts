// Seeded databases for the benchmark, filled by the service's own generator
// (`npm run cli -- seed --bindings N …`) and cached under bench/.cache/, keyed by backend,
// size and schema version (a hash of the migrations and of the generator), so re-runs
// skip seeding. Each run then works on a copy: a fresh DATA_DIR under the OS temp dir
// (SQLite), or a scratch database created from a cached template database (PostgreSQL),
// dropped afterwards.
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { getAddress } from 'viem';
import { onCleanup, run } from './procs.js';

export type Backend = 'sqlite' | 'postgres';

export interface Dataset {
  backend: Backend;
  size: number;
  /** The cached DATA_DIR (SQLite file and secrets, or only secrets for PostgreSQL). */
  dataDir: string;
  /** Exchange API key of a bench client with an effectively unlimited rate. */
  apiKey: string;
  /** Existing accounts (a sample). */
  accounts: string[];
  /** PostgreSQL: the template database the scratch databases are copied from. */
  templateDb?: string;
  seedSeconds?: number;
  fromCache: boolean;
}

export interface DatasetOptions {
  root: string; // repository root
  cacheDir: string;
  pgUrl: string;
  fresh: boolean;
  log: (line: string) => void;
}

const SAMPLE = 20_000;

/** Hash of everything that decides what a seeded database holds. */
export function schemaVersion(root: string): string {
  const hash = createHash('sha256');
  const migrations = join(root, 'src/store/migrations');
  for (const name of readdirSync(migrations).sort()) {
    hash.update(name).update(readFileSync(join(migrations, name)));
  }
  const files = ['src/cli/seed.ts', 'src/store/database.ts'];
  if (existsSync(join(root, 'src/cli/seed'))) {
    for (const name of readdirSync(join(root, 'src/cli/seed')).sort()) files.push(`src/cli/seed/${name}`);
  }
  for (const file of files) {
    if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 10);
}

/** The seed command: `npm run cli -- seed`, or BENCH_SEED_COMMAND to try another generator. */
function seedCommand(): { command: string; args: string[] } {
  const override = process.env.BENCH_SEED_COMMAND?.trim();
  if (override) {
    const [command, ...args] = override.split(/\s+/);
    return { command: command!, args };
  }
  return { command: 'npm', args: ['run', '--silent', 'cli', '--', 'seed'] };
}

/** True when the CLI knows `seed` (it is being built alongside this suite). */
export async function seedAvailable(root: string): Promise<boolean> {
  if (process.env.BENCH_SEED_COMMAND) return true;
  const help = await run('npm', ['run', '--silent', 'cli', '--', 'help'], { cwd: root, timeoutMs: 60_000 });
  return /^\s+seed\b/m.test(help.stdout);
}

function databaseEnv(backend: Backend, dataDir: string, databaseUrl?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;
  if (backend === 'postgres') env.DATABASE_URL = databaseUrl;
  return env;
}

export function databaseUrlFor(pgUrl: string, database: string): string {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withPg<T>(pgUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function dropDatabase(pgUrl: string, name: string): Promise<void> {
  await withPg(pgUrl, (client) => client.query(`drop database if exists ${quote(name)} with (force)`));
}

async function databaseExists(pgUrl: string, name: string): Promise<boolean> {
  return withPg(
    pgUrl,
    async (client) =>
      (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1,
  );
}

/** A well-formed (EIP-55) account that is almost surely not bound. */
export function unknownAccount(): string {
  return `eip155:1:${getAddress(`0x${randomBytes(20).toString('hex')}`)}`;
}

function readAccounts(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[-a-z0-9]+:[-_a-zA-Z0-9]+:[-.%a-zA-Z0-9]+$/.test(line));
}

/** Accounts straight from the database, for a generator that wrote no sample. */
async function sampleAccounts(backend: Backend, dataDir: string, databaseUrl?: string): Promise<string[]> {
  const query = `select account from bindings order by random() limit ${SAMPLE}`;
  if (backend === 'sqlite') {
    const db = new Database(join(dataDir, 'wallet-attest.db'), { readonly: true });
    try {
      return (db.prepare(query).all() as { account: string }[]).map((row) => row.account);
    } finally {
      db.close();
    }
  }
  return withPg(databaseUrl!, async (client) =>
    (await client.query<{ account: string }>(query)).rows.map((row) => row.account),
  );
}

async function createBenchClient(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const created = await run(
    'npm',
    [
      'run',
      '--silent',
      'cli',
      '--',
      'clients',
      'create',
      '--name',
      'bench',
      '--license-no',
      'BENCH-0001',
      '--scopes',
      'attestations:read',
      '--rate',
      '1000000',
      '--burst',
      '1000000',
    ],
    { cwd: root, env, timeoutMs: 120_000 },
  );
  const key = /\bwa_[A-Za-z0-9]+_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0];
  if (created.code !== 0 || !key) {
    throw new Error(`clients create failed (code ${created.code}): ${created.stderr || created.stdout}`);
  }
  return key;
}

export function sizeLabel(size: number): string {
  if (size >= 1_000_000 && size % 1_000_000 === 0) return `${size / 1_000_000}m`;
  if (size >= 1000 && size % 1000 === 0) return `${size / 1000}k`;
  return String(size);
}

interface Meta {
  backend: Backend;
  size: number;
  schema: string;
  apiKey: string;
  templateDb?: string;
  seedSeconds: number;
  seededAt: string;
}

/** The cached dataset of this backend and size, seeding it first when needed. */
export async function ensureDataset(backend: Backend, size: number, o: DatasetOptions): Promise<Dataset> {
  const schema = schemaVersion(o.root);
  const name = `${backend}-${sizeLabel(size)}`;
  const dir = join(o.cacheDir, `${name}-${schema}`);
  const metaFile = join(dir, 'meta.txt');
  mkdirSync(o.cacheDir, { recursive: true });

  // Older schema versions of the same backend and size only take disk.
  for (const entry of readdirSync(o.cacheDir)) {
    if (entry.startsWith(`${name}-`) && entry !== `${name}-${schema}`) {
      const old = join(o.cacheDir, entry, 'meta.txt');
      if (backend === 'postgres' && existsSync(old)) {
        const template = (JSON.parse(readFileSync(old, 'utf8')) as Meta).templateDb;
        if (template) await dropDatabase(o.pgUrl, template).catch(() => {});
      }
      rmSync(join(o.cacheDir, entry), { recursive: true, force: true });
    }
  }

  if (!o.fresh && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
    const accounts = readAccounts(join(dir, 'accounts.txt'));
    const templateOk =
      backend === 'sqlite' || (meta.templateDb && (await databaseExists(o.pgUrl, meta.templateDb)));
    if (meta.schema === schema && accounts.length > 0 && templateOk) {
      o.log(`${name}: cached (${dir})`);
      return {
        backend,
        size,
        dataDir: join(dir, 'data'),
        apiKey: meta.apiKey,
        accounts,
        ...(meta.templateDb ? { templateDb: meta.templateDb } : {}),
        seedSeconds: meta.seedSeconds,
        fromCache: true,
      };
    }
  }

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const dataDir = join(dir, 'data');
  let templateDb: string | undefined;
  let databaseUrl: string | undefined;
  if (backend === 'postgres') {
    templateDb = `wa_bench_tpl_${schema}_${sizeLabel(size)}`;
    await dropDatabase(o.pgUrl, templateDb);
    await withPg(o.pgUrl, (client) => client.query(`create database ${quote(templateDb!)}`));
    databaseUrl = databaseUrlFor(o.pgUrl, templateDb);
  }
  const env = databaseEnv(backend, dataDir, databaseUrl);
  const accountsFile = join(dir, 'accounts-out.txt');
  const { command, args } = seedCommand();
  const seedArgs = [...args, '--bindings', String(size), '--accounts-out', accountsFile];
  o.log(`${name}: seeding (${[command, ...seedArgs].join(' ')})`);
  const started = Date.now();
  const seeded = await run(command, seedArgs, {
    cwd: o.root,
    env,
    // Generous: the generator's speed is its own business, but no loop here is unbounded.
    timeoutMs: 600_000 + size * 5,
    logFile: join(dir, 'seed.log'),
    echo: process.stderr.isTTY,
  });
  const seedSeconds = (Date.now() - started) / 1000;
  if (seeded.code !== 0) {
    if (templateDb) await dropDatabase(o.pgUrl, templateDb).catch(() => {});
    const tail = `${seeded.stdout}\n${seeded.stderr}`.trim().split('\n').slice(-8).join('\n');
    throw new Error(`seeding ${name} failed${seeded.timedOut ? ' (timed out)' : ''}: ${tail}`);
  }
  o.log(`${name}: seeded in ${seedSeconds.toFixed(1)} s`);
  const apiKey = await createBenchClient(o.root, env);
  let accounts = readAccounts(accountsFile);
  if (accounts.length === 0) accounts = await sampleAccounts(backend, dataDir, databaseUrl);
  if (accounts.length === 0) throw new Error(`${name}: no accounts after seeding`);
  if (accounts.length > SAMPLE) accounts = accounts.slice(0, SAMPLE);
  writeFileSync(join(dir, 'accounts.txt'), `${accounts.join('\n')}\n`);
  rmSync(accountsFile, { force: true });
  const meta: Meta = {
    backend,
    size,
    schema,
    apiKey,
    ...(templateDb ? { templateDb } : {}),
    seedSeconds,
    seededAt: new Date().toISOString(),
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return {
    backend,
    size,
    dataDir,
    apiKey,
    accounts,
    ...(templateDb ? { templateDb } : {}),
    seedSeconds,
    fromCache: false,
  };
}

export interface Workspace {
  dataDir: string;
  databaseUrl?: string;
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** A throw-away copy of a dataset to run the service on. */
export async function workspaceFor(dataset: Dataset, o: DatasetOptions): Promise<Workspace> {
  const dataDir = mkdtempSync(join(tmpdir(), `wallet-attest-bench-${dataset.backend}-`));
  cpSync(dataset.dataDir, dataDir, { recursive: true });
  let scratch: string | undefined;
  let databaseUrl: string | undefined;
  if (dataset.backend === 'postgres') {
    scratch = `wa_bench_run_${process.pid}_${randomBytes(3).toString('hex')}`;
    await withPg(o.pgUrl, (client) =>
      client.query(`create database ${quote(scratch!)} template ${quote(dataset.templateDb!)}`),
    );
    databaseUrl = databaseUrlFor(o.pgUrl, scratch);
  }
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    rmSync(dataDir, { recursive: true, force: true });
    if (scratch) await dropDatabase(o.pgUrl, scratch);
  };
  onCleanup(dispose);
  return {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    env: databaseEnv(dataset.backend, dataDir, databaseUrl),
    dispose,
  };
}
