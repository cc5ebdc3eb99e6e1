// The operator CLI as an operator runs it: a separate process over the same DATA_DIR.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The CLI as run from a shell that sets DATA_DIR (and `extra`), without PUBLIC_URL or PORT. */
function cliWith(extra: Record<string, string>, ...args: string[]) {
  const { PUBLIC_URL: _url, PORT: _port, ...env } = process.env;
  return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'error', ...extra },
  });
}

function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function auditActions(): { action: string; actor_type: string; details: string }[] {
  const db = new Database(join(dataDir, 'wallet-attest.db'), { readonly: true });
  try {
    return db.prepare('select action, actor_type, details from audit_log order by seq').all() as never;
  } finally {
    db.close();
  }
}

describe('the operator CLI', () => {
  it('migrates, verifies the audit chain, and lists and rotates keys', async () => {
    expect((await cli('migrate')).stdout).toMatch(
      /Applied: 0001_foundation, 0002_wallet_bindings, 0003_attestations/,
    );
    expect((await cli('migrate')).stdout).toMatch(/Already up to date/);
    expect((await cli('audit', 'verify')).stdout).toMatch(/Audit log intact: 0 entries/);

    const before = (await cli('keys', 'list')).stdout;
    expect(before).toMatch(/^\S+ {2}ES256 {2}created \S+ {2}current$/m);
    expect(before).toMatch(/^attester 0x[0-9a-fA-F]{40}$/m);
    expect(statSync(join(dataDir, 'attestation-keys.json')).mode & 0o777).toBe(0o600);
    const oldKid = before.split(' ')[0]!;

    const rotated = (await cli('keys', 'rotate')).stdout;
    expect(rotated).toMatch(new RegExp(`; ${oldKid} retired`));
    const newKid = /New signing key (\S+);/.exec(rotated)![1]!;
    // A security-relevant operator action: recorded in the audit log.
    expect(auditActions()).toEqual([
      expect.objectContaining({ action: 'keys.rotated', actor_type: 'operator' }),
    ]);
    expect(JSON.parse(auditActions()[0]!.details)).toMatchObject({ kid: newKid, retiredKid: oldKid });
    const after = (await cli('keys', 'list')).stdout;
    expect(after).toMatch(new RegExp(`^${oldKid} {2}ES256 {2}created \\S+ {2}retired \\S+$`, 'm'));
    expect(after.split('\n').filter((line) => line.endsWith('current'))).toHaveLength(1);
    expect(after).not.toMatch(/"d"/);
  }, 90_000);

  it('signs checkpoints and reports tampering with its position', async () => {
    for (const name of ['A', 'B', 'C']) {
      await cli('clients', 'create', '--name', name, '--license-no', 'L', '--scopes', 'attestations:read');
    }
    // Signed by the service under its public URL; verified from a shell that has only DATA_DIR.
    const service = { PUBLIC_URL: 'https://attest.example.kz' };
    expect((await cliWith(service, 'audit', 'checkpoint')).stdout).toMatch(
      /^Checkpoint: tree size 4, root [0-9a-f]{64}, signed /,
    );
    expect((await cli('audit', 'verify')).stdout).toMatch(
      /Audit log intact: 4 entries; .* 1 signed checkpoints verified \(issuer https:\/\/attest\.example\.kz\)/,
    );
    const elsewhere = await cli('audit', 'verify', '--issuer', 'https://elsewhere.example').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(elsewhere).toMatchObject({ code: 1 });
    expect((elsewhere as { stderr: string }).stderr).toMatch(/Checkpoint at tree size 4 fails: .*iss/);

    const db = new Database(join(dataDir, 'wallet-attest.db'));
    db.prepare("update audit_log set details = '{}' where seq = 3").run();
    db.close();
    const failure = await cli('audit', 'verify').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/Audit chain broken at entry 3: hash-mismatch/);
    expect((failure as { stderr: string }).stderr).toMatch(/Checkpoint at tree size 4 fails/);
  }, 90_000); // several CLI processes, each starting under tsx

  it('refuses a client with unknown scopes or no name, saying why', async () => {
    const failure = await cli(
      'clients',
      'create',
      '--name',
      '',
      '--license-no',
      'L',
      '--scopes',
      'attestations:write',
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /a name is required; unknown scopes: attestations:write/,
    );
  });

  it('makes an operator token and prints only its SHA-256 for the service', async () => {
    const { stdout } = await cli('operator', 'token');
    const token = /Operator token \(shown once[^:]*\): (\S+)/.exec(stdout)![1]!;
    const hash = /^OPERATOR_TOKEN_SHA256=([0-9a-f]{64})$/m.exec(stdout)![1]!;
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('refuses unknown commands with usage', async () => {
    await expect(cli('frobnicate')).rejects.toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/Usage:/),
    });
  });
});
