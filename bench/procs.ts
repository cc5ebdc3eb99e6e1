// Child processes of the benchmark suite: every one is started in its own process group
// and remembered, so that every exit path (normal end, error, Ctrl-C) stops it and all of
// its descendants (npm → sh → node). Also: free loopback ports, readiness polling, and
// reading a process's memory from /proc.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set<ChildProcess>();
const started = new Set<Spawned>();
const cleanups: (() => Promise<void>)[] = [];

function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfLeaderExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfLeaderExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Registers async clean-up work (dropping a scratch database) that runs on every exit path. */
export function onCleanup(work: () => Promise<void>): void {
  cleanups.push(work);
}

/** Stops every remaining child and runs the registered clean-ups (each bounded in time). */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...started].filter((s) => groupAlive(s.child.pid)).map((s) => s.stop(5000)));
  while (cleanups.length > 0) {
    const work = cleanups.pop()!;
    await Promise.race([work().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

let handlersInstalled = false;
/** Ctrl-C, SIGTERM, uncaught errors: stop the children, then exit. */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const bail = (code: number, message?: string) => {
    if (message) console.error(message);
    void cleanupAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130, '\ninterrupted; stopping servers'));
  process.once('SIGTERM', () => bail(143));
  process.once('SIGHUP', () => bail(129));
  process.on('uncaughtException', (error) => bail(1, `uncaught: ${error.stack ?? error}`));
  process.on('unhandledRejection', (error) => bail(1, `unhandled rejection: ${String(error)}`));
  // Last resort when the process exits without the handlers above running to the end.
  process.on('exit', () => {
    for (const s of started) killGroup(s.child, 'SIGKILL', true);
  });
}

export interface Spawned {
  child: ChildProcess;
  /** Resolves with the exit code (or -1 when killed by a signal). */
  exited: Promise<number>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no process of the child's group is left (npm may exit before its node child). */
async function waitGroupExit(child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  await waitExit(child, ms);
  while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts a command in its own process group. Its output goes to `logFile` (appended)
 * unless `capture` is set, in which case stdout is collected and returned by `output()`.
 */
export function start(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile?: string },
): Spawned {
  const { logFile, ...spawnOptions } = options;
  const child = spawn(command, args, {
    ...spawnOptions,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  if (logFile) {
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code ?? -1);
    });
    child.once('error', () => {
      live.delete(child);
      resolve(-1);
    });
  });
  const spawned: Spawned = {
    child,
    exited,
    async stop(graceMs = 10_000) {
      const signal = (name: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, name);
        } catch {
          // the group is gone
        }
      };
      signal('SIGTERM');
      await waitGroupExit(child, graceMs);
      if (groupAlive(child.pid)) signal('SIGKILL');
      await waitGroupExit(child, 2000);
      live.delete(child);
      started.delete(spawned);
    },
  };
  started.add(spawned);
  return spawned;
}

/** Runs a command to completion within `timeoutMs`; returns its exit code and output. */
export async function run(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number; logFile?: string; echo?: boolean },
): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
  const { timeoutMs, echo, ...rest } = options;
  const proc = start(command, args, rest);
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (echo) process.stdout.write(chunk);
  });
  proc.child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (echo) process.stderr.write(chunk);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(3000);
  }, timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout, stderr, timedOut };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitReady(url: string, proc: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | undefined;
  void proc.exited.then((code) => {
    exitCode = code;
  });
  let last = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`the process exited (code ${exitCode}) before ${url} was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `status ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs / 1000} s (last: ${last})`);
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may hold spaces and parentheses
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

/** Every process below `root` (its children, their children …). */
export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid !== undefined) parents.set(Number(entry), ppid);
  }
  const result: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const pid = frontier.pop()!;
    for (const [child, ppid] of parents) {
      if (ppid === pid) {
        result.push(child);
        frontier.push(child);
      }
    }
  }
  return result;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue; // 0A: LISTEN
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * The process (the root or one of its descendants) that holds the listening socket on
 * `port`: the real node server under `npm start`, not npm or the shell. Falls back to the
 * deepest node descendant when /proc does not show the socket.
 */
export function serverPidOf(root: number, port: number): number {
  const candidates = [root, ...descendantsOf(root)];
  const inodes = listeningInodes(port);
  for (const pid of candidates) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  const nodes = candidates.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('node');
    } catch {
      return false;
    }
  });
  return nodes.at(-1) ?? root;
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples the RSS of `pid` every `everyMs` until stopped; returns the maximum seen. */
export function sampleRss(pid: number, everyMs = 200): { stop(): { maxMb: number; samples: number } } {
  let maxMb = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(pid);
    if (!memory) return;
    samples++;
    maxMb = Math.max(maxMb, memory.rssMb);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const memory = memoryOf(pid);
      if (memory) maxMb = Math.max(maxMb, memory.rssMb);
      return { maxMb, samples };
    },
  };
}
