// The audit log as a transparency log over real HTTP: signed checkpoints checked with
// jose, inclusion and consistency proofs checked with the independent RFC 6962 verifier,
// access to proofs, and tamper detection of edits, deletions, reorderings and truncation
// made directly in SQL.

import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsistency } from '../../src/domain/audit/merkle.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { verifyAuditLog } from '../../src/services/transparency.js';
import { api, apiClient, citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';
import { leafHashOf, mth, verifyConsistencyProof, verifyInclusionProof } from './independentRfc6962.js';

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  issuedAt: string;
  token: string;
}
interface InclusionProof {
  entry: { seq: number; hash: string; actorId: string | null };
  leafIndex: number;
  leafHash: string;
  treeSize: number;
  rootHash: string;
  proof: string[];
}

let server: TestServer;
let regulatorKey: string;

beforeAll(async () => {
  server = await startTestServer();
  regulatorKey = (await apiClient(server, ['regulator:read'])).key;
});
afterAll(() => server.close());

async function jwks(): Promise<JSONWebKeySet> {
  return json(await fetch(`${server.baseUrl}/.well-known/jwks.json`));
}

async function checkpoint(): Promise<Checkpoint> {
  const response = await fetch(`${server.baseUrl}/v1/audit/checkpoint`);
  expect(response.status).toBe(200);
  return json(response);
}

async function auditHashes(): Promise<string[]> {
  const rows = await server.assembled.db.selectFrom('audit_log').select('hash').orderBy('seq').execute();
  return rows.map((row) => row.hash);
}

describe('checkpoints and proofs', () => {
  it('signs checkpoints whose root is the RFC 6962 root of the entries’ hashes', async () => {
    await citizenWithAccounts(server, 2);
    const first = await checkpoint();
    const { payload, protectedHeader } = await jwtVerify(first.token, createLocalJWKSet(await jwks()), {
      typ: 'audit-checkpoint+jwt',
      issuer: server.baseUrl,
      currentDate: server.clock.now(),
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ tree_size: first.treeSize, root_hash: first.rootHash });
    const hashes = await auditHashes();
    expect(first.treeSize).toBe(hashes.length);
    expect(first.rootHash).toBe(mth(hashes.map((h) => Buffer.from(h))).toString('hex'));
    // Asking again without new entries gives the same stored checkpoint.
    expect(await checkpoint()).toEqual(first);
  });

  it('proves inclusion of every entry and consistency between checkpoints', async () => {
    const before = await checkpoint();
    await citizenWithAccounts(server, 3);
    const after = await checkpoint();
    expect(after.treeSize).toBeGreaterThan(before.treeSize);

    for (let seq = 1; seq <= after.treeSize; seq += Math.max(1, Math.floor(after.treeSize / 15))) {
      const response = await api(server, regulatorKey).get(
        `/v1/audit/entries/${seq}/proof?treeSize=${after.treeSize}`,
      );
      expect(response.status).toBe(200);
      const proof = await json<InclusionProof>(response);
      expect(proof.leafHash).toBe(leafHashOf(proof.entry.hash));
      expect(proof.rootHash).toBe(after.rootHash);
      expect(verifyInclusionProof(proof.leafHash, seq - 1, after.treeSize, proof.proof, after.rootHash)).toBe(
        true,
      );
    }
    const consistency = await json<{ firstRoot: string; secondRoot: string; proof: string[] }>(
      await fetch(`${server.baseUrl}/v1/audit/consistency?first=${before.treeSize}&second=${after.treeSize}`),
    );
    expect(consistency.firstRoot).toBe(before.rootHash);
    expect(consistency.secondRoot).toBe(after.rootHash);
    expect(
      verifyConsistencyProof(
        before.treeSize,
        after.treeSize,
        before.rootHash,
        after.rootHash,
        consistency.proof,
      ),
    ).toBe(true);
  });

  it('gives citizens proofs for entries about themselves only, and regulators for all', async () => {
    const [mine, other] = await signedInCitizens(server, 2);
    const { entries } = await json<{
      entries: { seq: number; actorId: string | null; subjectId: string | null }[];
    }>(await mine!.browser.get('/v1/me/audit'));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect([entry.actorId, entry.subjectId]).toContain(mine!.identityId);
    const own = entries[0]!.seq;
    expect((await mine!.browser.get(`/v1/audit/entries/${own}/proof`)).status).toBe(200);
    await expectProblem(await other!.browser.get(`/v1/audit/entries/${own}/proof`), 403, 'forbidden');
    await expectProblem(
      await server.browser().get(`/v1/audit/entries/${own}/proof`),
      401,
      'authentication-required',
    );
    const exchange = await apiClient(server, ['attestations:read']);
    await expectProblem(
      await api(server, exchange.key).get(`/v1/audit/entries/${own}/proof`),
      403,
      'insufficient-scope',
    );
    const [officer] = await signedInCitizens(server, 1);
    await setRegulatorRole(server.assembled.services, officer!.nationalId, true);
    expect((await officer!.browser.get(`/v1/audit/entries/${own}/proof`)).status).toBe(200);
  });

  it('proves consistency from the empty tree, the checkpoint of an empty log', async () => {
    const own = await startTestServer();
    try {
      const get = async <T>(path: string): Promise<T> => {
        const response = await fetch(`${own.baseUrl}${path}`);
        expect(response.status, await response.clone().text()).toBe(200);
        return json<T>(response);
      };
      const empty = await get<Checkpoint>('/v1/audit/checkpoint');
      const emptyRoot = createHash('sha256').digest('hex');
      expect(empty).toMatchObject({ treeSize: 0, rootHash: emptyRoot });
      expect(await get('/v1/audit/consistency?first=0')).toEqual({
        first: 0,
        second: 0,
        firstRoot: emptyRoot,
        secondRoot: emptyRoot,
        proof: [],
      });
      await apiClient(own, ['regulator:read']);
      const later = await get<Checkpoint>('/v1/audit/checkpoint');
      expect(later.treeSize).toBe(1);
      const proof = await get<{ firstRoot: string; secondRoot: string; proof: string[] }>(
        `/v1/audit/consistency?first=${empty.treeSize}&second=${later.treeSize}`,
      );
      expect(proof).toMatchObject({ firstRoot: empty.rootHash, secondRoot: later.rootHash, proof: [] });
      expect(await verifyConsistency(0, 1, proof.firstRoot, proof.secondRoot, proof.proof)).toBe(true);
      expect(await verifyConsistency(0, 1, later.rootHash, proof.secondRoot, proof.proof)).toBe(false);
      expect(own.contractViolations).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('refuses bad proof requests clearly', async () => {
    const size = (await checkpoint()).treeSize;
    for (const [path, status, slug] of [
      ['/v1/audit/entries/0/proof', 422, 'validation-failed'],
      ['/v1/audit/entries/abc/proof', 422, 'validation-failed'],
      [`/v1/audit/entries/${size + 100}/proof`, 404, 'not-found'],
      ['/v1/audit/entries/5/proof?treeSize=2', 422, 'validation-failed'],
    ] as const) {
      await expectProblem(await api(server, regulatorKey).get(path), status, slug);
    }
    for (const [query, status, slug] of [
      ['', 422, 'validation-failed'],
      ['?first=-1', 422, 'validation-failed'],
      ['?first=01', 422, 'validation-failed'],
      [`?first=${size}&second=1`, 422, 'validation-failed'],
      [`?first=1&second=${size + 100}`, 404, 'not-found'],
    ] as const) {
      await expectProblem(await fetch(`${server.baseUrl}/v1/audit/consistency${query}`), status, slug);
    }
  });
});

describe('tamper detection', () => {
  // Each case works on a fresh server, so the tampering of one does not mask another.
  async function tampered(tamper: (db: TestServer['assembled']['db']) => Promise<unknown>) {
    const own = await startTestServer();
    try {
      await citizenWithAccounts(own, 2);
      await fetch(`${own.baseUrl}/v1/audit/checkpoint`);
      const { services } = own.assembled;
      const keys = { keys: (await services.keys.signingKeys()).map((key) => key.jwk) };
      const clean = await verifyAuditLog(own.assembled.db, keys, own.baseUrl);
      expect(clean.chainBreak).toBeUndefined();
      expect(clean.checkpoints.every((c) => c.ok)).toBe(true);
      expect(clean.tiles).toMatchObject({ ok: true, treeSize: clean.entries });
      await tamper(own.assembled.db);
      return await verifyAuditLog(own.assembled.db, keys, own.baseUrl);
    } finally {
      await own.close();
    }
  }

  it('finds an edited entry, by position', async () => {
    const report = await tampered((db) =>
      sql`update audit_log set details = '{"forged":true}' where seq = 3`.execute(db),
    );
    expect(report.chainBreak).toEqual({ seq: 3, problem: 'hash-mismatch' });
    expect(report.checkpoints[0]).toMatchObject({ ok: false });
  });

  it('finds an edit whose author recomputed every hash after it (the checkpoint catches it)', async () => {
    const report = await tampered(async (db) => {
      const { auditEntryHash } = await import('../../src/domain/audit/auditChain.js');
      const { listAudit } = await import('../../src/store/repositories/auditLog.js');
      const entries = await listAudit(db);
      let prev = entries[1]!.hash;
      for (const entry of entries.slice(2)) {
        const details = entry.seq === 3 ? { forged: true } : entry.details;
        const { hash: _old, ...rest } = { ...entry, details, prevHash: prev };
        const hash = await auditEntryHash(rest);
        await sql`update audit_log set details = ${JSON.stringify(details)}, prev_hash = ${prev}, hash = ${hash} where seq = ${entry.seq}`.execute(
          db,
        );
        prev = hash;
      }
    });
    expect(report.chainBreak).toBeUndefined();
    expect(report.checkpoints[0]).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no longer hash to the signed root/),
    });
  });

  it('finds a deleted entry', async () => {
    const report = await tampered((db) => sql`delete from audit_log where seq = 4`.execute(db));
    expect(report.chainBreak).toEqual({ seq: 5, problem: 'sequence-gap' });
    expect(report.checkpoints[0]).toMatchObject({ ok: false });
  });

  it('finds two entries swapped', async () => {
    const report = await tampered(async (db) => {
      await sql`update audit_log set seq = -1 where seq = 2`.execute(db);
      await sql`update audit_log set seq = 2 where seq = 3`.execute(db);
      await sql`update audit_log set seq = 3 where seq = -1`.execute(db);
    });
    expect(report.chainBreak).toMatchObject({ seq: 2 });
    expect(report.checkpoints[0]).toMatchObject({ ok: false });
  });

  it('finds a truncated log', async () => {
    const report = await tampered((db) => sql`delete from audit_log where seq > 5`.execute(db));
    expect(report.chainBreak).toBeUndefined(); // what is left still chains…
    expect(report.checkpoints[0]).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/entries after 5 were removed/),
    });
  });

  it('finds a forged tile, by its address, though the chain and checkpoints hold', async () => {
    const report = await tampered(async (db) => {
      const tile = await db
        .selectFrom('audit_tiles')
        .selectAll()
        .where('level', '=', 0)
        .executeTakeFirstOrThrow();
      const forged = new Uint8Array(tile.hashes);
      forged[40] = forged[40]! ^ 1; // the second leaf hash
      await db.updateTable('audit_tiles').set({ hashes: forged }).where('level', '=', 0).execute();
    });
    expect(report.chainBreak).toBeUndefined();
    expect(report.checkpoints.every((c) => c.ok)).toBe(true);
    expect(report.tiles).toMatchObject({ ok: false, problem: 'tile 0/0 is not what the entries hash to' });
  });

  it('finds a forged checkpoint', async () => {
    const report = await tampered((db) =>
      sql`update audit_checkpoints set root_hash = ${'0'.repeat(64)}`.execute(db),
    );
    expect(report.checkpoints[0]).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/stored columns differ/),
    });
  });
});
