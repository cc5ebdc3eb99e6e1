// Figures, targets and tables of a benchmark run: the printed report, the `name=value`
// lines, and the results block of docs/performance.md.
import { sizeLabel } from './datasets.js';
import type { LoadResult } from './load.js';

export interface ScenarioResult {
  scenario: string;
  backend: 'sqlite' | 'postgres' | 'baseline';
  size?: number;
  connections: number;
  load: LoadResult;
}

export interface MemoryResult {
  backend: 'sqlite' | 'postgres';
  size: number;
  idleMb: number;
  batchMaxMb: number;
  peakMb: number;
}

export interface LinkResult {
  linkOps: number;
  linkPerSecond: number;
  linkMeanMs: number;
  rawOps: number;
  rawPerSecond: number;
  rawMeanMs: number;
  ratio: number;
}

export interface RunResults {
  startedAt: string;
  elapsedSeconds: number;
  command: string;
  mode: 'quick' | 'full';
  commit: string;
  machine: { nproc: number; cpu: string; memory: string; node: string; os: string; load: string };
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    ttlExpiredSeconds: number;
  };
  sizes: number[];
  pgSizes: number[];
  seeding: { backend: string; size: number; seconds?: number; cached: boolean }[];
  scenarios: ScenarioResult[];
  memory: MemoryResult[];
  link?: LinkResult;
  serviceErrors: { backend: string; size: number; lines: number; sample: string[] }[];
  failures: string[];
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean | undefined;
  note?: string;
}

const STATUS_SCENARIOS = [
  'statuslist_hit',
  'statuslist_miss',
  'statuslist_hit_expired',
  'statuslist_miss_expired',
];

function find(r: RunResults, scenario: string, backend: string, size?: number): LoadResult | undefined {
  return r.scenarios.find((s) => s.scenario === scenario && s.backend === backend && s.size === size)?.load;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;

export function ceilingRps(r: RunResults): number | undefined {
  const runs = r.scenarios.filter((s) => s.scenario === 'ceiling').map((s) => s.load.rps);
  return runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : undefined;
}

/** Every figure by name; undefined when the part that measures it did not run. */
export function figures(r: RunResults): [string, number | undefined][] {
  const out: [string, number | undefined][] = [];
  const ceiling = ceilingRps(r);
  const sqliteSizes = r.sizes.filter((size) => find(r, 'lookup', 'sqlite', size));
  const largest = sqliteSizes.at(-1);
  const smallest = sqliteSizes[0];
  const pgSizes = r.pgSizes.filter((size) => find(r, 'lookup', 'postgres', size));
  const pgLargest = pgSizes.at(-1);
  const pgSmallest = pgSizes[0];
  const at = (scenario: string, size = largest, backend = 'sqlite') =>
    size === undefined ? undefined : find(r, scenario, backend, size);
  const memory = r.memory.find((m) => m.backend === 'sqlite' && m.size === largest);

  // Headline figures (the issue's list), at the largest size measured.
  out.push(['lookup_vs_ceiling', ratio(at('lookup')?.rps, ceiling)]);
  out.push(['lookup_p99_ms', at('lookup')?.p99]);
  if (largest !== undefined && smallest !== undefined && largest !== smallest) {
    out.push([
      `lookup_${sizeLabel(largest)}_vs_${sizeLabel(smallest)}`,
      ratio(at('lookup')?.rps, at('lookup', smallest)?.rps),
    ]);
  }
  out.push(['batch1000_ms_p50', at('batch1000_c1')?.p50]);
  out.push(['batch1000_ms_p99', at('batch1000_c1')?.p99]);
  out.push(['batch1000_c4_ms_p99', at('batch1000_c4')?.p99]);
  const statusRps = STATUS_SCENARIOS.map((s) => at(s)?.rps);
  out.push([
    'statuslist_rps_vs_ceiling',
    statusRps.every((v) => v !== undefined)
      ? ratio(Math.min(...(statusRps as number[])), ceiling)
      : undefined,
  ]);
  out.push(['link_verify_vs_raw', r.link?.ratio]);
  out.push(['rss_mb', memory?.batchMaxMb]);
  out.push(['rss_idle_mb', memory?.idleMb]);
  out.push(['lookup_pg_vs_ceiling', ratio(at('lookup', pgLargest, 'postgres')?.rps, ceiling)]);
  if (pgLargest !== undefined && pgSmallest !== undefined && pgLargest !== pgSmallest) {
    out.push([
      `lookup_pg_${sizeLabel(pgLargest)}_vs_${sizeLabel(pgSmallest)}`,
      ratio(at('lookup', pgLargest, 'postgres')?.rps, at('lookup', pgSmallest, 'postgres')?.rps),
    ]);
  }
  out.push([
    'healthz_vs_hello',
    ratio(r.scenarios.find((s) => s.scenario === 'healthz')?.load.rps, find(r, 'hello', 'baseline')?.rps),
  ]);

  // Raw figures.
  out.push(['ceiling_rps', ceiling]);
  r.scenarios
    .filter((s) => s.scenario === 'ceiling')
    .forEach((s, i) => {
      out.push([`ceiling_${i === 0 ? 'first' : 'last'}_rps`, s.load.rps]);
    });
  for (const s of r.scenarios) {
    if (s.scenario === 'ceiling') continue;
    const prefix =
      s.size === undefined
        ? s.scenario
        : `${s.scenario}_${s.backend === 'postgres' ? 'pg' : 'sqlite'}_${sizeLabel(s.size)}`;
    out.push([`${prefix}_rps`, s.load.rps]);
    out.push([`${prefix}_p50_ms`, s.load.p50]);
    out.push([`${prefix}_p99_ms`, s.load.p99]);
    const bad = s.load.errors + s.load.timeouts + s.load.unexpected;
    if (bad > 0) out.push([`${prefix}_failed_requests`, bad]);
  }
  for (const m of r.memory) {
    const prefix = `${m.backend === 'postgres' ? 'pg' : 'sqlite'}_${sizeLabel(m.size)}`;
    out.push([`rss_idle_mb_${prefix}`, m.idleMb]);
    out.push([`rss_batch_mb_${prefix}`, m.batchMaxMb]);
    out.push([`rss_peak_mb_${prefix}`, m.peakMb]);
  }
  if (r.link) {
    out.push(['link_flow_ops_per_s', r.link.linkPerSecond]);
    out.push(['raw_verify_ops_per_s', r.link.rawPerSecond]);
  }
  for (const e of r.serviceErrors)
    out.push([`service_error_lines_${e.backend}_${sizeLabel(e.size)}`, e.lines]);
  out.push(['failures', r.failures.length]);
  out.push(['elapsed_s', r.elapsedSeconds]);
  return out;
}

export function formatValue(name: string, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (/_rps$|_ops_per_s$|failed_requests|error_lines|^failures$/.test(name)) return String(Math.round(value));
  if (/_mb/.test(name) || name === 'elapsed_s') return value.toFixed(0);
  if (/_ms($|_)/.test(name)) return value.toFixed(2);
  return value.toFixed(3);
}

export function targets(r: RunResults): Target[] {
  const f = new Map(figures(r));
  const largest = r.sizes.filter((size) => find(r, 'lookup', 'sqlite', size)).at(-1);
  const where = largest === undefined ? '' : ` at ${sizeLabel(largest)}`;
  const atOneM =
    largest !== undefined && largest < 1_000_000
      ? `measured${where}; the target is at 1M (--full)`
      : undefined;
  const fmt = (name: string) => formatValue(name, f.get(name));
  const has = (...names: string[]) => names.every((n) => f.get(n) !== undefined && Number.isFinite(f.get(n)));
  const scaleName = [...f.keys()].find((k) => /^lookup_\w+_vs_\w+$/.test(k) && !k.startsWith('lookup_pg'));
  const list: Target[] = [
    {
      name: 'lookup_vs_ceiling',
      goal: '≥ 0.6 × ceiling, p99 ≤ 5 ms (50 connections)',
      value: `${fmt('lookup_vs_ceiling')}, p99 ${fmt('lookup_p99_ms')} ms${where}`,
      met: has('lookup_vs_ceiling', 'lookup_p99_ms')
        ? f.get('lookup_vs_ceiling')! >= 0.6 && f.get('lookup_p99_ms')! <= 5
        : undefined,
    },
    {
      name: scaleName ?? 'lookup_largest_vs_10k',
      goal: '≥ 0.8 × lookup at 10k (largest size vs smallest)',
      value: scaleName ? fmt(scaleName) : 'n/a',
      met: scaleName && has(scaleName) ? f.get(scaleName)! >= 0.8 : undefined,
    },
    {
      name: 'batch1000_ms_p99',
      goal: '≤ 25 ms server time at 1M (1 connection)',
      value: `${fmt('batch1000_ms_p99')} ms (4 connections: ${fmt('batch1000_c4_ms_p99')} ms)${where}`,
      met: has('batch1000_ms_p99') ? f.get('batch1000_ms_p99')! <= 25 : undefined,
      ...(atOneM ? { note: atOneM } : {}),
    },
    {
      name: 'statuslist_rps_vs_ceiling',
      goal: '≥ 0.5 × ceiling, TTL expired or not (worst of hit/miss × fresh/expired)',
      value: `${fmt('statuslist_rps_vs_ceiling')}${where}`,
      met: has('statuslist_rps_vs_ceiling') ? f.get('statuslist_rps_vs_ceiling')! >= 0.5 : undefined,
    },
    {
      name: 'link_verify_vs_raw',
      goal: '≥ 0.6 × raw viem verifyMessage',
      value: fmt('link_verify_vs_raw'),
      met: has('link_verify_vs_raw') ? f.get('link_verify_vs_raw')! >= 0.6 : undefined,
    },
    {
      name: 'rss_mb',
      goal: '≤ 256 MB under batch load at 1M',
      value: `${fmt('rss_mb')} MB (idle ${fmt('rss_idle_mb')} MB)${where}`,
      met: has('rss_mb') ? f.get('rss_mb')! <= 256 : undefined,
      ...(atOneM ? { note: atOneM } : {}),
    },
  ];
  return list;
}

const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'not met');

function num(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The scenario table, Markdown. */
export function scenarioTable(r: RunResults): string {
  const ceiling = ceilingRps(r);
  const rows = [
    '| scenario | backend | bindings | conns | req/s | p50 ms | p99 ms | × ceiling | failed |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of r.scenarios) {
    const failed = s.load.errors + s.load.timeouts + s.load.unexpected;
    const codes = Object.entries(s.load.statusCodes)
      .map(([code, n]) => `${code}:${n}`)
      .join(' ');
    rows.push(
      `| ${s.scenario} | ${s.backend} | ${s.size === undefined ? '' : sizeLabel(s.size)} | ${s.connections} | ${num(
        s.load.rps,
      )} | ${num(s.load.p50, 2)} | ${num(s.load.p99, 2)} | ${
        ceiling ? (s.load.rps / ceiling).toFixed(2) : ''
      } | ${failed > 0 ? `${failed} (${codes})` : 0} |`,
    );
  }
  return rows.join('\n');
}

export function targetTable(r: RunResults): string {
  const rows = ['| figure | target | measured | verdict |', '| --- | --- | --- | --- |'];
  for (const t of targets(r)) {
    rows.push(
      `| \`${t.name}\` | ${t.goal} | ${t.value} | ${verdict(t.met)}${t.note ? ` (${t.note})` : ''} |`,
    );
  }
  return rows.join('\n');
}

export function otherTable(r: RunResults): string {
  const rows: string[] = [];
  if (r.memory.length) {
    rows.push(
      '| server RSS | idle MB | max under batch load MB | VmHWM MB |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const m of r.memory) {
      rows.push(
        `| ${m.backend} ${sizeLabel(m.size)} | ${num(m.idleMb)} | ${num(m.batchMaxMb)} | ${num(m.peakMb)} |`,
      );
    }
    rows.push('');
  }
  if (r.link) {
    rows.push(
      '| in-process | ops/s | mean ms |',
      '| --- | ---: | ---: |',
      `| link flow (challenge + verify + attestations + commit) | ${num(r.link.linkPerSecond)} | ${num(r.link.linkMeanMs, 2)} |`,
      `| raw viem verifyMessage | ${num(r.link.rawPerSecond)} | ${num(r.link.rawMeanMs, 2)} |`,
      '',
    );
  }
  if (r.seeding.length) {
    rows.push(
      `Seeding: ${r.seeding
        .map(
          (s) =>
            `${s.backend} ${sizeLabel(s.size)} ${s.cached ? 'cached' : `${num(s.seconds ?? Number.NaN)} s`}`,
        )
        .join(', ')}.`,
    );
  }
  return rows.join('\n');
}

export function machineLine(r: RunResults): string {
  const m = r.machine;
  return `${m.nproc} cores (${m.cpu}), memory ${m.memory}, Node ${m.node}, ${m.os}; load average at start ${m.load}`;
}

/** The block between the markers of docs/performance.md. */
export function docsBlock(r: RunResults): string {
  const s = r.settings;
  const lines = [
    `Run of ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit \`${r.commit}\`, \`${r.command}\` (${r.mode} mode, ${num(
      r.elapsedSeconds / 60,
      1,
    )} min).`,
    `Machine: ${machineLine(r)}.`,
    `Load: autocannon, ${s.connections} connections (batches: 1 and 4), ${s.warmupSeconds} s warm-up then ${s.durationSeconds} s per scenario; TTL-expired status lists with \`STATUS_LIST_TTL_SECONDS=${s.ttlExpiredSeconds}\`.`,
    '',
    targetTable(r),
    '',
    scenarioTable(r),
    '',
    otherTable(r),
  ];
  if (r.serviceErrors.some((e) => e.lines > 0)) {
    lines.push('', 'Error lines logged by the service under load:');
    for (const e of r.serviceErrors.filter((x) => x.lines > 0)) {
      lines.push(
        `- ${e.backend} ${sizeLabel(e.size)}: ${e.lines} (${e.sample.map((x) => `\`${x}\``).join('; ')})`,
      );
    }
  }
  if (r.failures.length) {
    lines.push('', 'Parts that failed in this run:');
    for (const failure of r.failures) lines.push(`- ${failure.split('\n')[0]}`);
  }
  lines.push('', '![Lookup throughput and p99 against data size](performance-lookup.svg)');
  return lines.join('\n');
}

export const DOCS_START = '<!-- bench:results:start (written by `npm run bench -- --write-docs`) -->';
export const DOCS_END = '<!-- bench:results:end -->';

export function replaceDocsBlock(doc: string, block: string): string {
  const start = doc.indexOf(DOCS_START);
  const end = doc.indexOf(DOCS_END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${DOCS_START}\n${block}\n${DOCS_END}\n`;
  return `${doc.slice(0, start + DOCS_START.length)}\n${block}\n${doc.slice(end)}`;
}

export { verdict };
