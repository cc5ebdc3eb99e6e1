// The verifier is a package entry (`wallet-attest/verifier`): it builds to plain
// JavaScript that imports nothing but jose and its own files, and runs in plain Node.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the verifier package entry', () => {
  it('builds without server code and runs from plain Node', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
    const built = filesUnder(join(root, 'dist')).filter((file) => file.endsWith('.js'));
    const imports = built.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)].map(
        (match) => match[1]!,
      ),
    );
    expect(new Set(imports.filter((specifier) => !specifier.startsWith('.')))).toEqual(new Set(['jose']));

    const script = `
      import { verifyWalletAttestation } from 'wallet-attest/verifier';
      const result = await verifyWalletAttestation('not.a.jwt', { issuer: 'https://x', jwks: { keys: [] }, fetch });
      console.log(JSON.stringify(result));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(output.toString())).toMatchObject({ status: 'invalid', code: 'malformed' });
  });
});
