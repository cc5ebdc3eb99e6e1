// The benchmark suite: `npm run bench` (quick: 10k and 100k bindings) or
// `npm run bench -- --full` (adds 1M; `--sizes 10000,…,10000000` for 10M).
// Seeds (or reuses) databases, starts the service exactly as `npm start` does, loads it
// with autocannon from separate processes on 127.0.0.1, measures the ceiling in the same
// run, prints a table, the targets as met / not met, and one `name=value` line per figure.
// Options: see USAGE below and docs/performance.md.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Dataset,
  type DatasetOptions,
  ensureDataset,
  seedAvailable,
  sizeLabel,
  unknownAccount,
  type Workspace,
  workspaceFor,
} from './datasets.js';
import type { LoadResult, LoadSpec } from './load.js';
import { lookupPlot } from './plot.js';
import {
  cleanupAll,
  freePort,
  installExitHandlers,
  memoryOf,
  onCleanup,
  run,
  type Spawned,
  sampleRss,
  serverPidOf,
  start,
  waitReady,
} from './procs.js';
import {
  ceilingRps,
  DOCS_END,
  DOCS_START,
  docsBlock,
  figures,
  formatValue,
  type LinkResult,
  machineLine,
  otherTable,
  type RunResults,
  replaceDocsBlock,
  scenarioTable,
  targets,
  targetTable,
  verdict,
} from './report.js';

const USAGE = `npm run bench -- [options]
  --full               sizes 10k, 100k and 1M (default: quick, 10k and 100k)
  --sizes a,b,…        SQLite sizes in bindings (e.g. 10000,100000,1000000,10000000)
  --pg-sizes a,b,…     PostgreSQL sizes (default: 10k; seeding PostgreSQL is slow); --no-pg to skip
  --duration <s>       measured seconds per scenario (default 10)
  --warmup <s>         warm-up seconds per scenario (default 3)
  --connections <n>    connections for single lookups and status lists (default 50)
  --fresh              reseed instead of using bench/.cache
  --write-docs         refresh the results block of docs/performance.md and docs/performance-lookup.svg
  --docs-only          write the docs from the last run (bench/.cache/last-run.txt, JSON), measure nothing
  --pg-url <url>       server for the scratch databases (default postgres://postgres@127.0.0.1:5432/postgres)
  --no-link            skip the in-process link-flow benchmark
`;

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CACHE = join(ROOT, 'bench', '.cache');
const LAST_RUN = join(CACHE, 'last-run.txt');
const TTL_EXPIRED_SECONDS = 2;
const CEILING_ROWS = 1_000_000;

const { values: opts } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    'pg-sizes': { type: 'string' },
    'no-pg': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    fresh: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    'docs-only': { type: 'boolean', default: false },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'no-link': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const sizeList = (text: string) =>
  text
    .split(',')
    .map((s) => Number(s.trim().replace(/_/g, '')))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);

const log = (line: string) => console.error(`[bench] ${line}`);

function writeOutputs(results: RunResults): void {
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(LAST_RUN, `${JSON.stringify(results, null, 2)}\n`);
  const svg = plotOf(results);
  writeFileSync(join(CACHE, 'performance-lookup.svg'), svg);
  if (opts['write-docs'] || opts['docs-only']) {
    writeFileSync(join(ROOT, 'docs', 'performance-lookup.svg'), svg);
    const docFile = join(ROOT, 'docs', 'performance.md');
    const doc = existsSync(docFile)
      ? readFileSync(docFile, 'utf8')
      : `# Performance\n\n${DOCS_START}\n${DOCS_END}\n`;
    writeFileSync(docFile, replaceDocsBlock(doc, docsBlock(results)));
    log('wrote docs/performance.md (results block) and docs/performance-lookup.svg');
  }
}

function plotOf(results: RunResults): string {
  const points = (backend: 'sqlite' | 'postgres') =>
    results.scenarios
      .filter((s) => s.scenario === 'lookup' && s.backend === backend && s.size !== undefined)
      .map((s) => ({ size: s.size!, rps: s.load.rps, p99: s.load.p99 }));
  return lookupPlot({
    series: [
      { name: 'SQLite', color: '#1f77b4', points: points('sqlite') },
      { name: 'PostgreSQL', color: '#ff7f0e', points: points('postgres') },
    ],
    ...(ceilingRps(results) ? { ceilingRps: ceilingRps(results)! } : {}),
    caption: `${results.startedAt.slice(0, 10)}, ${results.machine.nproc} cores, ${results.settings.connections} connections`,
  });
}

function printReport(results: RunResults): void {
  const out: string[] = [];
  out.push('', `Machine: ${machineLine(results)}`, '', scenarioTable(results), '', otherTable(results), '');
  out.push(targetTable(results), '');
  if (results.failures.length) {
    out.push('Failed parts:', ...results.failures.map((f) => `  - ${f}`), '');
  }
  for (const t of targets(results)) out.push(`target ${t.name}: ${verdict(t.met)}`);
  out.push('');
  for (const [name, value] of figures(results)) out.push(`${name}=${formatValue(name, value)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

if (opts['docs-only']) {
  if (!existsSync(LAST_RUN)) throw new Error(`no last run at ${LAST_RUN}`);
  const results = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as RunResults;
  writeOutputs(results);
  printReport(results);
  process.exit(0);
}

installExitHandlers();

const full = opts.full;
const sizes = opts.sizes ? sizeList(opts.sizes) : full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
const pgSizes = opts['no-pg']
  ? []
  : opts['pg-sizes']
    ? sizeList(opts['pg-sizes'])
    : // The generator writes PostgreSQL one statement at a time (~50 bindings/s): larger
      // PostgreSQL sizes are asked for with --pg-sizes.
      sizes.filter((size) => size <= 10_000);
const durationSeconds = Number(opts.duration);
const warmupSeconds = Number(opts.warmup);
const connections = Number(opts.connections);
const runDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-run-'));
onCleanup(async () => rmSync(runDir, { recursive: true, force: true }));
const logDir = join(CACHE, 'logs');
mkdirSync(logDir, { recursive: true });

const datasetOptions: DatasetOptions = {
  root: ROOT,
  cacheDir: CACHE,
  pgUrl: opts['pg-url']!,
  fresh: opts.fresh,
  log,
};

function shell(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return '';
  }
}

const startedAt = new Date();
const results: RunResults = {
  startedAt: startedAt.toISOString(),
  elapsedSeconds: 0,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  mode: full ? 'full' : 'quick',
  commit: shell('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
  machine: {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memory: /^Mem:\s+(\S+)/m.exec(shell('free', ['-h']))?.[1] ?? 'unknown',
    node: process.version,
    os: shell('uname', ['-sr']),
    load: loadavg()
      .map((v) => v.toFixed(2))
      .join(' '),
  },
  settings: { connections, durationSeconds, warmupSeconds, ttlExpiredSeconds: TTL_EXPIRED_SECONDS },
  sizes,
  pgSizes,
  seeding: [],
  scenarios: [],
  memory: [],
  serviceErrors: [],
  failures: [],
};

async function load(
  name: string,
  spec: Omit<LoadSpec, 'durationSeconds' | 'warmupSeconds'>,
): Promise<LoadResult> {
  const file = join(runDir, `${name.replace(/\W+/g, '_')}.json`);
  writeFileSync(file, JSON.stringify({ ...spec, durationSeconds, warmupSeconds } satisfies LoadSpec));
  const outcome = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'load.ts'), file], {
    cwd: ROOT,
    timeoutMs: (durationSeconds + warmupSeconds + 60) * 1000,
  });
  const line = outcome.stdout.trim().split('\n').at(-1) ?? '';
  if (outcome.code !== 0 || !line.startsWith('{')) {
    throw new Error(
      `load ${name} failed (code ${outcome.code}${outcome.timedOut ? ', timed out' : ''}): ${outcome.stderr.slice(-500)}`,
    );
  }
  const result = JSON.parse(line) as LoadResult;
  const failed = result.errors + result.timeouts + result.unexpected;
  log(
    `${name.padEnd(34)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(
      2,
    )} ms${failed ? `  FAILED ${failed} ${JSON.stringify(result.statusCodes)}` : ''}`,
  );
  return result;
}

async function section(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${message}`);
    results.failures.push(`${name}: ${message}`);
  }
}

interface Service {
  url: string;
  pid: number;
  proc: Spawned;
  logFile: string;
}

async function startService(
  ws: Workspace,
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<Service> {
  const port = await freePort();
  const logFile = join(logDir, `service-${label}.log`);
  rmSync(logFile, { force: true });
  const env: NodeJS.ProcessEnv = { ...ws.env, PORT: String(port), LOG_LEVEL: 'error', ...extraEnv };
  const proc = start('npm', ['start'], { cwd: ROOT, env, logFile });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/readyz`, proc, 180_000);
  } catch (error) {
    await proc.stop();
    const tail = existsSync(logFile)
      ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')
      : '';
    throw new Error(`${error instanceof Error ? error.message : error}\n${tail}`);
  }
  const pid = serverPidOf(proc.child.pid!, port);
  return { url, pid, proc, logFile };
}

/** Stops the service and counts the error lines it logged (LOG_LEVEL=error: all are errors). */
async function stopService(service: Service, backend: string, size: number): Promise<void> {
  await service.proc.stop();
  const lines = existsSync(service.logFile)
    ? readFileSync(service.logFile, 'utf8')
        .split('\n')
        .filter((line) => /"level":"error"|Error|error:/i.test(line))
    : [];
  const sample = [...new Set(lines.map((line) => line.slice(0, 160)))].slice(0, 3);
  const existing = results.serviceErrors.find((e) => e.backend === backend && e.size === size);
  if (existing) {
    existing.lines += lines.length;
    existing.sample = [...new Set([...existing.sample, ...sample])].slice(0, 3);
  } else results.serviceErrors.push({ backend, size, lines: lines.length, sample });
}

const shuffle = <T>(list: T[]): T[] => {
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
};

function lookupPaths(dataset: Dataset): string[] {
  const existing = dataset.accounts.map((a) => `/v1/attestations/${a}`);
  const unknown = Array.from({ length: Math.max(1, Math.round(existing.length / 9)) }, () =>
    unknownAccount(),
  ).map((a) => `/v1/attestations/${a}`);
  return shuffle([...existing, ...unknown]);
}

function batchBodies(dataset: Dataset, count = 20): string[] {
  return Array.from({ length: count }, () => {
    const accounts: string[] = [];
    for (let i = 0; i < 900; i++) accounts.push(dataset.accounts[randomInt(dataset.accounts.length)]!);
    for (let i = 0; i < 100; i++) accounts.push(unknownAccount());
    return JSON.stringify({ accounts: shuffle(accounts) });
  });
}

/** A status list the seeded attestations point at, found through a lookup. */
async function statusListPath(service: Service, dataset: Dataset): Promise<string> {
  for (const account of dataset.accounts.slice(0, 200)) {
    const response = await fetch(`${service.url}/v1/attestations/${account}`, {
      headers: { authorization: `Bearer ${dataset.apiKey}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) {
      throw new Error(
        `lookup for the status list answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    }
    const body = (await response.json()) as { attestation?: { statusList?: { uri?: string } } };
    const uri = body.attestation?.statusList?.uri;
    if (uri) return new URL(uri).pathname;
  }
  throw new Error('none of the sampled accounts has an attestation with a status list');
}

function record(
  scenario: string,
  backend: 'sqlite' | 'postgres' | 'baseline',
  size: number | undefined,
  conns: number,
  result: LoadResult,
) {
  results.scenarios.push({
    scenario,
    backend,
    ...(size !== undefined ? { size } : {}),
    connections: conns,
    load: result,
  });
}

async function ceilingScenarios(which: 'first' | 'last'): Promise<void> {
  const port = await freePort();
  const db = join(CACHE, `ceiling-${sizeLabel(CEILING_ROWS)}.db`);
  const proc = start(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'ceiling.ts'),
      '--db',
      db,
      '--port',
      String(port),
      '--rows',
      String(CEILING_ROWS),
    ],
    { cwd: ROOT, logFile: join(logDir, 'ceiling.log') },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(`${url}/hello`, proc, 600_000);
    const ids = Array.from({ length: 20_000 }, () => `/lookup/${randomInt(CEILING_ROWS)}`);
    record(
      'ceiling',
      'baseline',
      undefined,
      connections,
      await load(`ceiling (${which})`, { url, method: 'GET', paths: ids, connections }),
    );
    if (which === 'first') {
      record(
        'hello',
        'baseline',
        undefined,
        connections,
        await load('hello', { url, method: 'GET', paths: ['/hello'], connections }),
      );
    }
  } finally {
    await proc.stop();
  }
}

/** Status-list fetches with a matching ETag (304) and without (200); `suffix` names the TTL variant. */
async function statusListRuns(url: string, listPath: string, size: number, label: string, suffix: string) {
  const variant = suffix ? `, TTL ${TTL_EXPIRED_SECONDS}s` : '';
  for (const hit of [true, false]) {
    record(
      `statuslist_${hit ? 'hit' : 'miss'}${suffix}`,
      'sqlite',
      size,
      connections,
      await load(`statuslist ${hit ? 'hit' : 'miss'}${variant} ${label}`, {
        url,
        method: 'GET',
        paths: [listPath],
        ...(hit ? { ifNoneMatch: true } : {}),
        connections,
      }),
    );
  }
}

async function sqliteSize(size: number, first: boolean): Promise<void> {
  const dataset = await ensureDataset('sqlite', size, datasetOptions);
  results.seeding.push({
    backend: 'sqlite',
    size,
    ...(dataset.seedSeconds !== undefined ? { seconds: dataset.seedSeconds } : {}),
    cached: dataset.fromCache,
  });
  const label = `sqlite ${sizeLabel(size)}`;
  const ws = await workspaceFor(dataset, datasetOptions);
  try {
    const auth = { authorization: `Bearer ${dataset.apiKey}` };
    let service = await startService(ws, `sqlite-${sizeLabel(size)}`);
    let listPath: string;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const idle = memoryOf(service.pid);
      listPath = await statusListPath(service, dataset);
      const url = service.url;
      record(
        'lookup',
        'sqlite',
        size,
        connections,
        await load(`lookup ${label}`, {
          url,
          method: 'GET',
          paths: lookupPaths(dataset),
          headers: auth,
          connections,
        }),
      );
      const bodies = batchBodies(dataset);
      const sampler = sampleRss(service.pid);
      try {
        for (const conns of [1, 4]) {
          record(
            `batch1000_c${conns}`,
            'sqlite',
            size,
            conns,
            await load(`batch1000 c${conns} ${label}`, {
              url,
              method: 'POST',
              paths: ['/v1/attestations/query'],
              bodies,
              headers: auth,
              connections: conns,
              timeoutSeconds: 30,
            }),
          );
        }
      } finally {
        const sampled = sampler.stop();
        const now = memoryOf(service.pid);
        results.memory.push({
          backend: 'sqlite',
          size,
          idleMb: idle?.rssMb ?? Number.NaN,
          batchMaxMb: sampled.maxMb || Number.NaN,
          peakMb: now?.peakMb ?? Number.NaN,
        });
        log(
          `RSS ${label}: idle ${idle?.rssMb.toFixed(0)} MB, under batch load up to ${sampled.maxMb.toFixed(0)} MB (pid ${service.pid})`,
        );
      }
      await statusListRuns(url, listPath, size, label, '');
      if (first) {
        record(
          'healthz',
          'sqlite',
          size,
          connections,
          await load(`healthz ${label}`, { url, method: 'GET', paths: ['/healthz'], connections }),
        );
      }
    } finally {
      await stopService(service, 'sqlite', size);
    }
    // The same lists with a TTL that expires many times during each run.
    service = await startService(ws, `sqlite-${sizeLabel(size)}-ttl`, {
      STATUS_LIST_TTL_SECONDS: String(TTL_EXPIRED_SECONDS),
    });
    try {
      const url = service.url;
      await statusListRuns(url, listPath, size, label, '_expired');
    } finally {
      await stopService(service, 'sqlite', size);
    }
  } finally {
    await ws.dispose();
  }
}

async function postgresSize(size: number): Promise<void> {
  const dataset = await ensureDataset('postgres', size, datasetOptions);
  results.seeding.push({
    backend: 'postgres',
    size,
    ...(dataset.seedSeconds !== undefined ? { seconds: dataset.seedSeconds } : {}),
    cached: dataset.fromCache,
  });
  const ws = await workspaceFor(dataset, datasetOptions);
  try {
    const service = await startService(ws, `postgres-${sizeLabel(size)}`);
    try {
      record(
        'lookup',
        'postgres',
        size,
        connections,
        await load(`lookup postgres ${sizeLabel(size)}`, {
          url: service.url,
          method: 'GET',
          paths: lookupPaths(dataset),
          headers: { authorization: `Bearer ${dataset.apiKey}` },
          connections,
        }),
      );
    } finally {
      await stopService(service, 'postgres', size);
    }
  } finally {
    await ws.dispose();
  }
}

async function linkFlow(): Promise<void> {
  const seconds = Math.max(3, Math.round(durationSeconds * 1.2));
  const outcome = await run(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'linkFlow.ts'), '--seconds', String(seconds), '--rounds', '3'],
    {
      cwd: ROOT,
      timeoutMs: (seconds + 120) * 1000,
    },
  );
  const line = outcome.stdout.trim().split('\n').at(-1) ?? '';
  if (outcome.code !== 0 || !line.startsWith('{')) {
    throw new Error(
      `link flow failed (code ${outcome.code}${outcome.timedOut ? ', timed out' : ''}): ${outcome.stderr.slice(-500)}`,
    );
  }
  results.link = JSON.parse(line) as LinkResult;
  log(
    `link flow ${results.link.linkPerSecond.toFixed(0)} ops/s vs raw verifyMessage ${results.link.rawPerSecond.toFixed(0)} ops/s: ${results.link.ratio.toFixed(3)}`,
  );
}

try {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  log(
    `${results.mode} mode: SQLite ${sizes.map(sizeLabel).join(', ')}; PostgreSQL ${pgSizes.map(sizeLabel).join(', ') || 'skipped'}; ${connections} connections, ${warmupSeconds}+${durationSeconds} s per scenario`,
  );
  log(`service: npm start → ${pkg.scripts?.start ?? '(no start script)'}`);
  const seeding = await seedAvailable(ROOT);
  if (!seeding) {
    results.failures.push('the CLI has no `seed` command yet (npm run cli -- help): no database to measure');
  }
  await section('ceiling', () => ceilingScenarios('first'));
  if (!opts['no-link']) await section('link flow', linkFlow);
  if (seeding) {
    for (const [i, size] of sizes.entries())
      await section(`sqlite ${sizeLabel(size)}`, () => sqliteSize(size, i === 0));
    for (const size of pgSizes) await section(`postgres ${sizeLabel(size)}`, () => postgresSize(size));
  }
  await section('ceiling (last)', () => ceilingScenarios('last'));
} finally {
  await cleanupAll();
  rmSync(runDir, { recursive: true, force: true });
}

results.elapsedSeconds = (Date.now() - startedAt.getTime()) / 1000;
writeOutputs(results);
printReport(results);
process.exit(results.failures.length > 0 ? 1 : 0);
