// The operator CLI as an operator runs it: a separate process over the same DATA_DIR.
import { execFile } from 'node:child_process';
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

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  });
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
    const after = (await cli('keys', 'list')).stdout;
    expect(after).toMatch(new RegExp(`^${oldKid} {2}ES256 {2}created \\S+ {2}retired \\S+$`, 'm'));
    expect(after.split('\n').filter((line) => line.endsWith('current'))).toHaveLength(1);
    expect(after).not.toMatch(/"d"/);
  });

  it('signs checkpoints and reports tampering with its position', async () => {
    for (const name of ['A', 'B', 'C']) {
      await cli('clients', 'create', '--name', name, '--license-no', 'L', '--scopes', 'attestations:read');
    }
    expect((await cli('audit', 'checkpoint')).stdout).toMatch(
      /^Checkpoint: tree size 3, root [0-9a-f]{64}, signed /,
    );
    expect((await cli('audit', 'verify')).stdout).toMatch(
      /Audit log intact: 3 entries; .* 1 signed checkpoints verified/,
    );

    const db = new Database(join(dataDir, 'wallet-attest.db'));
    db.prepare("update audit_log set details = '{}' where seq = 2").run();
    db.close();
    const failure = await cli('audit', 'verify').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/Audit chain broken at entry 2: hash-mismatch/);
    expect((failure as { stderr: string }).stderr).toMatch(/Checkpoint at tree size 3 fails/);
  });

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

  it('refuses unknown commands with usage', async () => {
    await expect(cli('frobnicate')).rejects.toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/Usage:/),
    });
  });
});
