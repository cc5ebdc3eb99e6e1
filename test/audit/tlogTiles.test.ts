// The audit log as a C2SP tiled transparency log, over real HTTP, checked by a client
// written from the specifications (independentTlog.ts, nothing from src/): the signed
// checkpoint and the log key from the metadata, tiles and entry bundles rebuilt into the
// root, a citizen's entry proven included, two checkpoints proven consistent, and a
// witness (the test, with its own Ed25519 key) cosigning a checkpoint that is then
// served with it. Also the refusals of bad tile paths and bad cosignatures.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedWitness } from '../../src/services/witnessFeed.js';
import { appendAudit } from '../../src/store/repositories/auditLog.js';
import { unitsOf } from '../../src/store/transaction.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';
import { verifyConsistencyProof, verifyInclusionProof } from './independentRfc6962.js';
import {
  consistencyPath,
  fetchEntries,
  fetchLeafHashes,
  fetchTile,
  inclusionPath,
  leafHash,
  parseCheckpoint,
  parseSignedNote,
  parseVkey,
  rootOf,
  testWitness,
  tileIndex,
  verifyCosignatureV1,
  verifyLogSignature,
} from './independentTlog.js';

const witness = testWitness('witness.example.org/court');
const stranger = testWitness('witness.example.org/stranger');
let server: TestServer;
let prefix: string;
let citizen: { identityId: string; browser: TestServer['browser'] extends () => infer B ? B : never };

interface Metadata {
  transparency_log: { origin: string; verifier_key: string; prefix: string; witnesses: string[] };
}

beforeAll(async () => {
  server = await startTestServer({ LOG_WITNESSES: witness.vkey });
  prefix = `${server.baseUrl}/log`;
  const [signedIn] = await signedInCitizens(server, 1);
  citizen = signedIn!;
});
afterAll(() => server.close());

/** Entries through the service's own append, each in its transaction; every third about the citizen. */
async function appendEntries(count: number) {
  for (let i = 0; i < count; i++) {
    await unitsOf(server.assembled.db).run((trx) =>
      appendAudit(
        trx,
        {
          actorType: 'system',
          actorId: null,
          action: 'test.filler',
          subjectType: 'identity',
          subjectId: i % 3 === 0 ? citizen.identityId : `someone-else-${i}`,
          details: { i },
        },
        server.clock.now(),
      ),
    );
  }
}

async function metadata(): Promise<Metadata> {
  return json<Metadata>(await fetch(`${server.baseUrl}/.well-known/wallet-attestation`));
}

async function checkpoint() {
  const response = await fetch(`${prefix}/checkpoint`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('public, max-age=2');
  const body = await response.text();
  const note = parseSignedNote(body);
  const vkey = parseVkey((await metadata()).transparency_log.verifier_key);
  expect(verifyLogSignature(note, vkey)).toBe(true);
  return { body, note, ...parseCheckpoint(note.text) };
}

async function auditCount(): Promise<number> {
  const rows = await server.assembled.db.selectFrom('audit_log').select('seq').execute();
  return rows.length;
}

/** The chain rule of docs/audit.md, from scratch: keys sorted at every depth. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

describe('the tiled log, read by an independent client', () => {
  it('publishes the log key as a note verifier key, and signs checkpoints of the whole log with it', async () => {
    const meta = (await metadata()).transparency_log;
    expect(meta.origin).toBe(`${new URL(server.baseUrl).host}/log`);
    expect(meta.prefix).toBe(prefix);
    expect(meta.witnesses).toEqual([witness.vkey]);
    const vkey = parseVkey(meta.verifier_key);
    expect(vkey).toMatchObject({ name: meta.origin, type: 0x01 });
    const first = await checkpoint();
    expect(first.origin).toBe(meta.origin);
    expect(first.size).toBe(await auditCount());
    expect(first.note.signatures).toHaveLength(1);
    // A note whose text was altered no longer verifies.
    expect(
      verifyLogSignature({ ...first.note, text: first.note.text.replace(/\n\d+\n/, '\n9\n') }, vkey),
    ).toBe(false);
  });

  it('serves tiles and entry bundles that rebuild the checkpoint root, at every level', async () => {
    await appendEntries(600);
    const { size, root } = await checkpoint();
    expect(size).toBeGreaterThan(512);
    const leaves = await fetchLeafHashes(prefix, size);
    const entries = await fetchEntries(prefix, size);
    expect(entries).toHaveLength(size);
    for (const [i, entry] of entries.entries()) {
      expect(leafHash(entry).equals(leaves[i]!), `leaf ${i}`).toBe(true);
    }
    expect(rootOf(leaves).equals(root)).toBe(true);
    // Level 1: each hash is the root of a full level-0 tile; the tile is partial, of width size/256.
    const width = Math.floor(size / 256);
    const level1 = await fetchTile(`${prefix}/tile/1/000.p/${width}`);
    expect(level1).toHaveLength(32 * width);
    for (let i = 0; i < width; i++) {
      expect(level1.subarray(32 * i, 32 * i + 32).equals(rootOf(leaves.slice(256 * i, 256 * i + 256)))).toBe(
        true,
      );
    }
    // An entry is the UTF-8 of the audit entry's chain hash, the leaf of the RFC 6962 proofs.
    const rows = await server.assembled.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq')
      .execute();
    expect(entries.map((e) => e.toString('utf8'))).toEqual(rows.slice(0, size).map((row) => row.hash));
  });

  it("proves a citizen's own entry included, from its fields up to the signed root", async () => {
    const { size, root } = await checkpoint();
    const { entries } = await json<{
      entries: {
        seq: number;
        at: string;
        actorType: string;
        actorId: string | null;
        action: string;
        subjectType: string;
        subjectId: string | null;
        details: Record<string, unknown>;
        prevHash: string;
        hash: string;
      }[];
    }>(await citizen.browser.get('/v1/me/audit'));
    expect(entries.length).toBeGreaterThan(200);
    const entry = entries.at(-1)!;
    expect(entry.subjectId).toBe(citizen.identityId);
    const { hash, prevHash, ...body } = entry;
    const recomputed = createHash('sha256')
      .update(`${prevHash}\n${canonical(body)}`)
      .digest('hex');
    expect(recomputed).toBe(hash);

    const leaves = await fetchLeafHashes(prefix, size);
    const leaf = leafHash(Buffer.from(hash, 'utf8'));
    expect(leaves[entry.seq - 1]!.equals(leaf)).toBe(true);
    const path = inclusionPath(entry.seq - 1, leaves).map((h) => h.toString('hex'));
    expect(verifyInclusionProof(leaf.toString('hex'), entry.seq - 1, size, path, root.toString('hex'))).toBe(
      true,
    );
    // The RFC 6962 endpoint, now answered from the stored tiles, gives the same proof.
    const served = await json<{ proof: string[]; rootHash: string }>(
      await citizen.browser.get(`/v1/audit/entries/${entry.seq}/proof?treeSize=${size}`),
    );
    expect(served).toMatchObject({ proof: path, rootHash: root.toString('hex') });
  });

  it('lists to each of many concurrent readers the entries committed before they asked', async () => {
    for (let round = 0; round < 3; round++) {
      await appendEntries(1); // i = 0: about the citizen
      const newest = (await server.assembled.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow()) as { seq: number };
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () =>
          json<{ entries: { seq: number }[] }>(await citizen.browser.get('/v1/me/audit')),
        ),
      );
      for (const { entries } of answers) expect(entries.at(-1)!.seq).toBe(Number(newest.seq));
    }
  });

  it('shows two checkpoints consistent: the later tiles hold the earlier tree', async () => {
    const before = await checkpoint();
    await appendEntries(300);
    const after = await checkpoint();
    expect(after.size).toBe(before.size + 300);
    // The earlier checkpoint's partial tiles are still served (as prefixes of wider ones).
    const earlier = await fetchLeafHashes(prefix, before.size);
    expect(rootOf(earlier).equals(before.root)).toBe(true);
    const leaves = await fetchLeafHashes(prefix, after.size);
    expect(rootOf(leaves.slice(0, before.size)).equals(before.root)).toBe(true);
    const proof = consistencyPath(before.size, leaves).map((h) => h.toString('hex'));
    expect(
      verifyConsistencyProof(
        before.size,
        after.size,
        before.root.toString('hex'),
        after.root.toString('hex'),
        proof,
      ),
    ).toBe(true);
    const served = await json<{ proof: string[] }>(
      await fetch(`${server.baseUrl}/v1/audit/consistency?first=${before.size}&second=${after.size}`),
    );
    expect(served.proof).toEqual(proof);
  });

  it('caches full tiles for good and partial ones briefly', async () => {
    const { size } = await checkpoint();
    const full = await fetch(`${prefix}/tile/0/000`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('application/octet-stream');
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const partial = await fetch(`${prefix}/tile/0/${tileIndex(Math.floor(size / 256))}.p/${size % 256}`);
    expect(partial.status).toBe(200);
    expect(partial.headers.get('cache-control')).toBe('public, max-age=60');
  });
});

describe('witness cosignatures', () => {
  it("accepts a configured witness's cosignature/v1 and serves it with that checkpoint", async () => {
    const { note, size } = await checkpoint();
    const time = Math.floor(Date.now() / 1000);
    const logLine = (await (await fetch(`${prefix}/checkpoint`)).text()).split('\n\n')[1]!.trim();
    const body = `${note.text}\n${logLine}\n${witness.cosign(note.text, time)}\n${stranger.cosign(note.text, time)}\n`;
    const response = await fetch(`${prefix}/cosignature`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ treeSize: size, witnesses: ['witness.example.org/court'] });

    const served = await checkpoint();
    expect(served.size).toBe(size);
    expect(served.note.signatures.map((s) => s.name)).toEqual([served.origin, 'witness.example.org/court']);
    expect(verifyCosignatureV1(served.note, witness.vkey)).toBe(time);
    // The stranger's line was not kept: it is no configured witness.
    expect(verifyCosignatureV1(served.note, stranger.vkey)).toBeUndefined();

    // Once the log grows, the new checkpoint carries no cosignature until a witness gives one.
    await appendEntries(1);
    const grown = await checkpoint();
    expect(grown.size).toBe(size + 1);
    expect(grown.note.signatures).toHaveLength(1);
  });

  it('feeds a witness speaking c2sp.org/tlog-witness add-checkpoint, with proofs from the size it holds', async () => {
    const logKey = parseVkey((await metadata()).transparency_log.verifier_key);
    // A witness of the protocol, from the specification: it keeps the latest size and root
    // it cosigned (none at first), answers 409 with its size when the old size differs, and
    // checks the log's signature and the consistency proof before cosigning.
    const state = { size: 0, root: '', requests: [] as string[] };
    const fake = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const [head, note] = [body.slice(0, body.indexOf('\n\n') + 1), body.slice(body.indexOf('\n\n') + 2)];
        const [oldLine, ...proof] = head.trim().split('\n') as [string, ...string[]];
        const oldSize = Number(oldLine.slice('old '.length));
        state.requests.push(oldLine);
        const parsed = parseSignedNote(note);
        const { size, root } = parseCheckpoint(parsed.text);
        if (request.url !== '/add-checkpoint' || !verifyLogSignature(parsed, logKey)) {
          response.writeHead(403).end();
        } else if (oldSize !== state.size) {
          response.writeHead(409, { 'content-type': 'text/x.tlog.size' }).end(`${state.size}\n`);
        } else if (
          oldSize > 0 &&
          !verifyConsistencyProof(
            oldSize,
            size,
            state.root,
            root.toString('hex'),
            proof.map((line) => Buffer.from(line, 'base64').toString('hex')),
          )
        ) {
          response.writeHead(422).end();
        } else {
          Object.assign(state, { size, root: root.toString('hex') });
          response.writeHead(200).end(`${witness.cosign(parsed.text, Math.floor(Date.now() / 1000))}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const submissionPrefix = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const services = server.assembled.services;
      await appendEntries(3);
      // The log last saw this witness cosign an earlier size; the witness holds none: 409, then from 0.
      const first = await feedWitness(services, { vkey: witness.vkey, submissionPrefix });
      expect(first.oldSize).toBe(0);
      expect(state.requests).toEqual([expect.stringMatching(/^old [1-9]\d*$/), 'old 0']);
      expect(verifyCosignatureV1((await checkpoint()).note, witness.vkey)).toBeDefined();
      await appendEntries(5);
      const second = await feedWitness(services, { vkey: witness.vkey, submissionPrefix });
      expect(second).toEqual({ treeSize: first.treeSize + 5, oldSize: first.treeSize });
      expect(state.requests.at(-1)).toBe(`old ${first.treeSize}`);
      const served = await checkpoint();
      expect(served.size).toBe(second.treeSize);
      expect(verifyCosignatureV1(served.note, witness.vkey)).toBeDefined();
      await expect(feedWitness(services, { vkey: stranger.vkey, submissionPrefix })).rejects.toThrow(
        /not one of LOG_WITNESSES/,
      );
    } finally {
      fake.close();
    }
  });

  it('refuses cosignatures that do not verify or name another checkpoint', async () => {
    await appendEntries(1); // a checkpoint no witness has cosigned yet
    const { note, size, origin } = await checkpoint();
    const time = Math.floor(Date.now() / 1000);
    const post = (body: string, type = 'text/plain') =>
      fetch(`${prefix}/cosignature`, { method: 'POST', headers: { 'content-type': type }, body });
    const good = witness.cosign(note.text, time);
    const flipped = `${good.slice(0, -6)}${good.at(-6) === 'A' ? 'B' : 'A'}${good.slice(-5)}`;
    const otherRoot = note.text.replace(/\n[^\n]+\n$/, `\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    const otherOrigin = note.text.replace(origin, 'elsewhere.example/log');
    const future = witness.cosign(note.text, time + 3600);
    for (const [body, why] of [
      ['not a note', 'no signature block'],
      [`${note.text}\n${flipped}\n`, 'a signature that does not verify'],
      [`${note.text}\n${future}\n`, 'a timestamp an hour ahead'],
      [`${note.text}\n${stranger.cosign(note.text, time)}\n`, 'no configured witness'],
      [`${otherRoot}\n${witness.cosign(otherRoot, time)}\n`, 'another root at this size'],
      [`${otherOrigin}\n${witness.cosign(otherOrigin, time)}\n`, 'another log'],
      [
        `${note.text.replace(`\n${size}\n`, `\n${size + 1000}\n`)}\n${good}\n`,
        'a size the log has not reached',
      ],
      [`${note.text}extension\n\n${witness.cosign(`${note.text}extension\n`, time)}\n`, 'extension lines'],
    ] as const) {
      await expectProblem(await post(body), 422, 'validation-failed').catch((error: Error) => {
        throw new Error(`${why}: ${error.message}`);
      });
    }
    await expectProblem(
      await post(`${note.text}\n${good}\n`, 'application/json'),
      415,
      'unsupported-media-type',
    );
    // None of these was stored.
    expect((await checkpoint()).note.signatures).toHaveLength(1);
  });
});

describe('tile paths', () => {
  it('answers 404 problems for paths that are not tiles of the integrated tree', async () => {
    const { size } = await checkpoint();
    for (const path of [
      'abc',
      '0/1',
      '0/x000/001',
      '0/000.p/0',
      '0/000.p/256',
      '64/000',
      '0/-01',
      `0/${tileIndex(Math.floor(size / 256) + 1)}`,
      `0/${tileIndex(Math.floor(size / 256))}`,
      `0/${tileIndex(Math.floor(size / 256))}.p/${(size % 256) + 1}`,
      `entries/${tileIndex(Math.floor(size / 256))}.p/${(size % 256) + 1}`,
      '3/000.p/1',
    ]) {
      await expectProblem(await fetch(`${prefix}/tile/${path}`), 404, 'not-found');
    }
    expect(server.contractViolations).toEqual([]);
  });
});
