// The service as an operator runs it: the compiled JavaScript (`npm run build:server`,
// built once per suite into its own directory) in its own Node process on a file
// database, which a test can kill with SIGKILL and start again on the same data. The
// operator CLI runs from the same build.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from './postgres.js';

const root = join(import.meta.dirname, '..', '..');

/** Every child still running, so a failing test still leaves none behind (see `killChildren`). */
const running = new Set<ChildProcess>();

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range. The service is restarted on the same
 * port; an ephemeral one could meanwhile be handed to another suite's `listen(0)` or to
 * an outgoing connection.
 */
export async function restartablePort(): Promise<number> {
  let below = 32768;
  try {
    below = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    // not Linux: the IANA dynamic range starts at 49152, so 32768 stays below it
  }
  const low = 10_000;
  const high = Math.max(low + 1000, Math.min(below, 32768)) - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await listenable(port)) return port;
  }
  throw new Error(`No free port between ${low} and ${high}`);
}

/** A compiled copy of the service under build/ (ignored by git), removed with `remove`. */
export interface ServiceBuild {
  directory: string;
  remove(): void;
}

/**
 * Compiles the service as `npm run build:server` does, into a directory of its own so
 * suites running side by side (and `npm start`) never overwrite each other's files.
 */
export async function buildService(): Promise<ServiceBuild> {
  const directory = join(root, 'build', `child-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const tsc = spawn(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--outDir', directory],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(tsc);
  let output = '';
  tsc.stdout!.on('data', (chunk) => (output += chunk));
  tsc.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise((resolve) => tsc.once('exit', resolve));
  running.delete(tsc);
  const build = { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
  // Type errors still emit JavaScript; only a missing entry means there is nothing to run.
  for (const entry of ['src/runtime/node.js', 'src/cli/index.js']) {
    if (!existsSync(join(directory, entry))) {
      build.remove();
      throw new Error(`Compiling the service produced no ${entry}:\n${output}`);
    }
  }
  return build;
}

function spawnNode(
  build: ServiceBuild,
  entry: string,
  args: string[],
  env: Record<string, string>,
): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', join(build.directory, entry), ...args], {
    cwd: root,
    // NODE_ENV=test (set by vitest) would leak into the child; the child is a development service.
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills (SIGKILL) every child process this helper started that is still running. */
export async function killChildren(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      return exited;
    }),
  );
}

/** A data directory, and for PostgreSQL a fresh database, the child processes share. */
export interface ServiceData {
  env: Record<string, string>;
  port: number;
  baseUrl: string;
  dataDir: string;
  remove(): Promise<void>;
}

export async function serviceData(
  database: 'sqlite' | 'postgres',
  settings: Record<string, string> = {},
): Promise<ServiceData> {
  const port = await restartablePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-child-'));
  const postgres = database === 'postgres' ? await createPostgresDatabase('wa_crash') : undefined;
  const baseUrl = `http://localhost:${port}`;
  return {
    env: {
      PORT: String(port),
      DATA_DIR: dataDir,
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: 'warn',
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      ...settings,
    },
    port,
    baseUrl,
    dataDir,
    async remove() {
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChildServer {
  /** Everything the process wrote to stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown handler runs, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM and the exit code of a clean shutdown. */
  stop(): Promise<number | null>;
}

/** Starts the service on the data and waits until `/readyz` answers 200. */
export async function startChildServer(
  build: ServiceBuild,
  data: ServiceData,
  timeoutMs = 30_000,
): Promise<ChildServer> {
  const child = spawnNode(build, 'src/runtime/node.js', [], data.env);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: ChildServer = {
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${data.baseUrl}/readyz`).catch(() => undefined);
    if (ready?.ok) return server;
    await ready?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.kill();
  throw new Error(`The service did not become ready on ${data.baseUrl}:\n${output}`);
}

/** Runs the operator CLI (`npm run cli -- <args>`) with the data's environment. */
export function runCli(
  build: ServiceBuild,
  data: ServiceData,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnNode(build, 'src/cli/index.js', args, data.env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
