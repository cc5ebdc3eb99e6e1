// Is PostgreSQL's write lock (store/transaction.ts: one transaction-scoped advisory lock
// taken by every write transaction) the ceiling for writes across instances? The whole
// wallet-link write (issueWalletChallenge + linkWithSignature: signature check, binding,
// both attestations signed, audit entry, commit) runs in 1 and then 2 processes on one
// scratch PostgreSQL database, each with `--concurrency` links in flight, in the same run.
// While they run, pg_locks is sampled every 10 ms: how often the write lock is held, and
// how many transactions wait for it. A lock held nearly all the time with waiters queued,
// while the total rate stays flat as instances are added, is the ceiling.
//   node --import tsx bench/writeLock.ts [--seconds 8] [--concurrency 4] [--pg-url …]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import { issueWalletChallenge, linkWithSignature } from '../src/services/wallets.js';
import { steppedUpSession, syntheticIins } from '../test/helpers/citizens.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '4' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    // Internal: run as one instance on this database and data directory.
    worker: { type: 'string' },
    'data-dir': { type: 'string' },
    index: { type: 'string', default: '0' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const PER_IDENTITY = 900;

async function runInstance(databaseUrl: string, dataDir: string, index: number): Promise<void> {
  const assembled = await assemble(
    loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'error',
      MAX_BINDINGS_PER_IDENTITY: '1000',
    }),
    { logger: silentLogger },
  );
  const services = assembled.services;
  const iins = syntheticIins(64 * (index + 1)).slice(64 * index);
  let nextIin = 0;
  const link = async (session: Awaited<ReturnType<typeof steppedUpSession>>['session']) => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const challenge = await issueWalletChallenge(services, session, `eip155:1:${wallet.address}`);
    const signature = await wallet.signMessage({ message: challenge.message });
    const result = await linkWithSignature(services, session, { message: challenge.message, signature });
    if (!result.created) throw new Error('the account was not newly linked');
  };
  const loop = async (until: number, counter: { ops: number }) => {
    let session = (await steppedUpSession(services, iins[nextIin++]!, 'substantial')).session;
    let linked = 0;
    while (performance.now() < until) {
      if (linked >= PER_IDENTITY) {
        session = (await steppedUpSession(services, iins[nextIin++]!, 'substantial')).session;
        linked = 0;
      }
      await link(session);
      linked++;
      counter.ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => loop(performance.now() + 1500, { ops: 0 })));
  process.stdout.write('warm\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const counter = { ops: 0 };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => loop(started + seconds * 1000, counter)));
  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ ops: counter.ops, perSecond: counter.ops / elapsed })}\n`);
  await assembled.close();
  process.exit(0);
}

interface Sample {
  held: number;
  waiting: number;
}

async function measure(instances: number, adminUrl: string): Promise<Record<string, number>> {
  const name = `wa_bench_writelock_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-writelock-'));
  const children: ChildProcess[] = [];
  try {
    // The first instance migrates and writes the keys; the others start after it.
    const outputs: Promise<string>[] = [];
    const warm: Promise<void>[] = [];
    for (let index = 0; index < instances; index++) {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          '--worker',
          url.toString(),
          '--data-dir',
          dataDir,
          '--index',
          String(index),
          '--seconds',
          String(seconds),
          '--concurrency',
          String(concurrency),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      children.push(child);
      let out = '';
      warm.push(
        new Promise((resolve, reject) => {
          child.stdout!.on('data', (chunk) => {
            out += chunk;
            if (out.includes('warm\n')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`instance ${index} exited with ${code}`)));
        }),
      );
      outputs.push(
        new Promise((resolve) => child.once('exit', () => resolve(out.split('\n').filter(Boolean).at(-1)!))),
      );
      if (index === 0) await warm[0];
    }
    await Promise.all(warm);
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    for (const child of children) child.stdin!.write('go\n');
    const samples: Sample[] = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const { rows } = await probe.query<{ held: string; waiting: string }>(
        "select count(*) filter (where granted) as held, count(*) filter (where not granted) as waiting from pg_locks where locktype = 'advisory'",
      );
      samples.push({ held: Number(rows[0]!.held), waiting: Number(rows[0]!.waiting) });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await probe.end();
    const results = (await Promise.all(outputs)).map((line) => JSON.parse(line) as { perSecond: number });
    return {
      instances,
      linksPerSecond: results.reduce((sum, r) => sum + r.perSecond, 0),
      lockHeldPercent: (100 * samples.filter((s) => s.held > 0).length) / samples.length,
      meanWaiting: samples.reduce((sum, s) => sum + s.waiting, 0) / samples.length,
      samples: samples.length,
    };
  } finally {
    for (const child of children) child.kill();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (values.worker) {
  await runInstance(values.worker, values['data-dir']!, Number(values.index));
} else {
  const rows = [];
  for (const instances of [1, 2]) rows.push(await measure(instances, values['pg-url']));
  console.log(`concurrency ${concurrency} per instance, ${seconds} s each`);
  console.log('instances  links/s  lock held %  mean waiting');
  for (const r of rows) {
    console.log(
      `${String(r.instances).padStart(9)}  ${r.linksPerSecond!.toFixed(1).padStart(7)}  ${r.lockHeldPercent!.toFixed(0).padStart(11)}  ${r.meanWaiting!.toFixed(2).padStart(12)}`,
    );
  }
}
