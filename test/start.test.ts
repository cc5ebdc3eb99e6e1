// `npm start` as a newcomer runs it: it compiles the service and runs the JavaScript (no
// TypeScript loader at run time), serves the product, and shuts down cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-start-'));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The node process serving the port: the deepest descendant of the npm process. */
function serverProcess(pid: number): { pid: number; command: string } {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  const child = children.find(Boolean);
  if (!child) return { pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\u0000', ' ') };
  return serverProcess(Number(child));
}

/** Local addresses with a listening TCP socket on the port, from the kernel's tables. */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = local!.split(':');
      if (state !== '0A' || Number.parseInt(hexPort!, 16) !== port) continue;
      addresses.push(
        address!.length === 8
          ? address!
              .match(/../g)!
              .reverse()
              .map((byte) => Number.parseInt(byte, 16))
              .join('.')
          : `[${address}]`,
      );
    }
  }
  return addresses;
}

describe('npm start', () => {
  it('serves the compiled service and stops on SIGTERM', { timeout: 90_000 }, async () => {
    const port = await freePort();
    let output = '';
    child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 60_000;
    let ready: Response | undefined;
    while (Date.now() < deadline && child.exitCode === null) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (ready?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready?.status, output).toBe(200);
    expect(await ready!.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);

    // Development listens on loopback only (HOST); a deployment sets HOST=0.0.0.0 or an address.
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);

    const server = serverProcess(child.pid!);
    const command = server.command;
    expect(command).toMatch(/build\/server\/src\/runtime\/node\.js/);
    expect(command).toMatch(/--max-old-space-size=\d+/);
    expect(command).not.toMatch(/tsx/);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    // As a process manager stops it: SIGTERM to the service, which npm then exits with.
    process.kill(server.pid, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/"msg":"shutting down"/);
  });
});
