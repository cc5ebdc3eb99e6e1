// `seed` as an operator runs it (a separate process over a fresh DATA_DIR), then the seeded
// database read back through the service: counts, statuses, attestations checked by the
// offline verifier against the published JWKS and status list, national-ID lookups, the
// audit chain, and the keys and accounts files a benchmark reads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getAddress, serializeSignature, verifyTypedData } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  easOffchainUid,
  easTypedData,
  type SignedEasAttestation,
} from '../../src/domain/attestations/easAttestation.js';
import { kazakhstanIin } from '../../src/domain/identity/nationalId.js';
import { silentLogger } from '../../src/observability/logger.js';
import { assemble } from '../../src/runtime/assemble.js';
import { nationalIdLookupHash, type PersonalData, PURPOSE } from '../../src/services/identities.js';
import { publishedJwks } from '../../src/services/publication.js';
import { publishedStatusList } from '../../src/services/statusLists.js';
import { verifyAuditLog } from '../../src/services/transparency.js';
import { findIdentityByNationalIdHash } from '../../src/store/repositories/identities.js';
import { StatusListCache, verifyWalletAttestation } from '../../src/verifier/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-seed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  });
}

const keysFile = join(dataDir, 'keys.json');
const accountsFile = join(dataDir, 'accounts.txt');

describe('npm run cli -- seed', () => {
  it('seeds in several transactions, refuses a non-empty database, and resumes', {
    timeout: 120_000,
  }, async () => {
    const first = await cli('seed', '--bindings', '200', '--batch', '80');
    expect(first.stdout).toMatch(/Seeded 200 bindings of \d+ identities \(2 revoked, 1 suspended\)/);
    expect(first.stdout).toMatch(/[\d,]+ rows\/s/);
    expect(first.stdout).toMatch(/Database size on disk: [\d.]+ MiB/);
    // Not a terminal: one progress line per tenth.
    expect(first.stderr.split('\n').filter((line) => / bindings /.test(line))).toHaveLength(10);

    const refused = await cli('seed', '--bindings', '300').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /The database is not empty \(.*audit_log: [\d,]+.*bindings: 200.*identities: [\d,]+.*\).*--resume/,
    );

    const resumed = await cli(
      'seed',
      '--bindings',
      '300',
      '--resume',
      '--clients',
      '2',
      '--keys-out',
      keysFile,
      '--accounts-out',
      accountsFile,
    );
    expect(resumed.stdout).toMatch(/Resuming: the database holds/);
    expect(resumed.stdout).toMatch(/Seeded 100 bindings of \d+ identities \(1 revoked, 1 suspended\)/);
    expect((await cli('audit', 'verify')).stdout).toMatch(/Audit log intact/);
  });

  it('wrote what the service writes, and it all checks out', { timeout: 120_000 }, async () => {
    const app = await assemble(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' }), {
      logger: silentLogger,
    });
    try {
      const { db, services } = app;
      const bindings = await db.selectFrom('bindings').selectAll().execute();
      const attestations = await db.selectFrom('attestations').selectAll().execute();
      const identities = await db.selectFrom('identities').selectAll().execute();
      expect(bindings).toHaveLength(300);
      expect(attestations).toHaveLength(300);
      expect(new Set(bindings.map((b) => b.account)).size).toBe(300);
      expect(new Set(bindings.map((b) => b.identity_id)).size).toBe(identities.length);
      expect(identities.length).toBeGreaterThan(200);
      expect(identities.length).toBeLessThan(300);

      // 1 % revoked, 0.5 % suspended (of 300: 3 and round(1.5) = 2).
      const byStatus = (status: string) => bindings.filter((b) => b.status === status).length;
      expect([byStatus('active'), byStatus('revoked'), byStatus('suspended')]).toEqual([295, 3, 2]);
      for (const b of bindings) {
        expect(b.account).toMatch(/^eip155:1:0x[0-9a-fA-F]{40}$/);
        expect(getAddress(b.account.slice('eip155:1:'.length))).toBe(b.account.slice('eip155:1:'.length));
        expect(b.method).toBe('eip191');
        if (b.status === 'revoked') expect(b.revocation_reason).toBeTruthy();
      }

      // Every JWT verifies against the published JWKS, and its status-list entry says what the binding is.
      const jwks = await publishedJwks(services);
      const cache = new StatusListCache();
      const fetchList: typeof fetch = async (input) => {
        const id = String(input).split('/').at(-1)!;
        const { token } = await publishedStatusList(services, id);
        return new Response(token, { headers: { 'content-type': 'application/statuslist+jwt' } });
      };
      const bindingById = new Map(bindings.map((b) => [b.id, b]));
      const expected = { active: 'valid', revoked: 'revoked', suspended: 'suspended' } as const;
      const attester = await services.keys.attesterAddress();
      for (const a of attestations) {
        const binding = bindingById.get(a.binding_id)!;
        const result = await verifyWalletAttestation(a.jwt, {
          issuer: services.config.publicUrl,
          jwks,
          fetch: fetchList,
          cache,
        });
        expect(result.status).toBe(expected[binding.status as keyof typeof expected]);
        if (result.status === 'invalid') continue;
        expect(result.claims.sub).toBe(binding.account);
        expect(result.claims.jti).toBe(a.id);
        expect(result.claims.status.status_list.idx).toBe(Number(a.status_list_index));
        expect(a.status).toBe(
          { active: 'valid', revoked: 'invalid', suspended: 'suspended' }[binding.status],
        );

        // The EIP-712 form: signed by the attester over the same typed data, with its EAS UID.
        const { sig, signer } = JSON.parse(a.eip712) as SignedEasAttestation;
        expect(signer).toBe(attester);
        expect(sig.uid).toBe(easOffchainUid(sig.message));
        expect(getAddress(sig.message.recipient)).toBe(binding.account.slice('eip155:1:'.length));
        const signature = serializeSignature({
          r: sig.signature.r,
          s: sig.signature.s,
          v: BigInt(sig.signature.v),
        });
        expect(
          await verifyTypedData({ ...easTypedData(sig.domain, sig.message), address: signer, signature }),
        ).toBe(true);
      }
      // Status-list entries were allocated in order, never twice.
      const entries = attestations.map((a) => `${a.status_list_id}:${a.status_list_index}`);
      expect(new Set(entries).size).toBe(300);
      const lists = await db.selectFrom('status_lists').selectAll().execute();
      expect(lists.reduce((sum, list) => sum + Number(list.next_index), 0)).toBe(300);
      // One version bump per status change.
      expect(lists.reduce((sum, list) => sum + Number(list.version), 0)).toBe(5);

      // Real ciphertexts and keyed hashes: the national ID decrypts to a valid IIN whose
      // lookup hash finds the identity, and the birth date matches the IIN.
      for (const identity of identities) {
        const nationalId = await services.protector.decrypt(
          identity.national_id_ciphertext,
          PURPOSE.nationalId,
        );
        expect(kazakhstanIin.normalise(nationalId)).toBe(nationalId);
        const hash = await nationalIdLookupHash(services, 'KZ', nationalId);
        expect(hash).toBe(identity.national_id_hash);
        expect((await findIdentityByNationalIdHash(db, hash))?.id).toBe(identity.id);
        const personal = JSON.parse(
          await services.protector.decrypt(identity.personal_data_ciphertext, PURPOSE.personalData),
        ) as PersonalData;
        expect(personal.birthDate).toBe(kazakhstanIin.birthDate!(nationalId));
        expect(personal.givenName).toBeTruthy();
      }

      // The audit chain is intact and holds one entry per action.
      const keys = (await services.keys.signingKeys()).map((key) => key.jwk);
      const audit = await verifyAuditLog(db, { keys }, services.config.publicUrl);
      expect(audit.chainBreak).toBeUndefined();
      const actions = await db
        .selectFrom('audit_log')
        .select(['action', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('action')
        .execute();
      expect(Object.fromEntries(actions.map((a) => [a.action, Number(a.n)]))).toEqual({
        'identity.created': identities.length,
        'binding.created': 300,
        'attestation.issued': 300,
        'binding.revoked': 3,
        'binding.suspended': 2,
        'api_client.created': 3, // the regulator system of the first run and two exchanges
      });
      expect(audit.entries).toBe(identities.length + 300 + 300 + 5 + 3);

      // The files a benchmark reads: keys that work, and existing accounts.
      const clients = JSON.parse(readFileSync(keysFile, 'utf8')) as { key: string; scopes: string[] }[];
      expect(clients).toHaveLength(2);
      const accounts = readFileSync(accountsFile, 'utf8').trim().split('\n');
      expect(new Set(accounts)).toEqual(new Set(bindings.map((b) => b.account)));
      for (const { key, scopes } of clients) {
        expect(scopes).toContain('attestations:read');
        const response = await app.app.fetch(
          new Request(`${services.config.publicUrl}/v1/attestations/${accounts[0]}`, {
            headers: { authorization: `Bearer ${key}` },
          }),
        );
        expect(response.status).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
