import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyConsistencyProof, verifyInclusionProof } from '../../../test/audit/independentRfc6962.js';
import { auditEntryHash, GENESIS_HASH } from './auditChain.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleTree,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// Hand-computed reference hashes: SHA-256 of the prefixed bytes, with node:crypto.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const L = (data: Uint8Array) => sha(Uint8Array.of(0), data);
const N = (left: Buffer, right: Buffer) => sha(Uint8Array.of(1), left, right);
const hex = (b: Buffer) => b.toString('hex');

// The leaf data of the RFC 6962 test vectors used by certificate-transparency / trillian.
const vectorData = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));

const flip = (h: string, at = 0) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);

const data = Array.from({ length: 20 }, (_, i) => `entry-${i}`);
const leavesP = Promise.all(data.map((d) => leafHash(d)));

describe('leafHash and nodeHash', () => {
  it('prefix 0x00 for leaves (strings as UTF-8) and 0x01 for interior nodes', async () => {
    expect(await leafHash('')).toBe(hex(L(new Uint8Array(0))));
    expect(await leafHash('é✓')).toBe(hex(L(Buffer.from('é✓', 'utf8'))));
    expect(await leafHash(Uint8Array.of(1, 2, 3))).toBe(hex(L(Uint8Array.of(1, 2, 3))));
    const a = await leafHash('a');
    const b = await leafHash('b');
    expect(await nodeHash(a, b)).toBe(hex(N(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))));
    await expect(nodeHash(a.toUpperCase(), b)).rejects.toThrow(TypeError);
  });

  it('commits to an audit entry through the UTF-8 bytes of its chain hash', async () => {
    const entry = {
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      prevHash: GENESIS_HASH,
      actorType: 'system' as const,
      actorId: null,
      action: 'test',
      subjectType: 'none',
      subjectId: null,
      details: {},
    };
    const chainHash = await auditEntryHash(entry);
    expect(await leafHash(chainHash)).toBe(hex(L(Buffer.from(chainHash, 'utf8'))));
    expect(await rootHash([await leafHash(chainHash)])).toBe(await leafHash(chainHash));
  });
});

describe('known answers', () => {
  it('empty tree is SHA-256 of nothing', async () => {
    expect(await rootHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await new MerkleTree().root()).toBe(hex(sha()));
  });

  it('trees of 1, 2, 3, 5, 7 and 8 leaves match the hashes worked out by hand', async () => {
    const [d0, d1, d2, d3, d4, d5, d6, d7] = vectorData.map(L) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const n01 = N(d0, d1);
    const n23 = N(d2, d3);
    const n45 = N(d4, d5);
    const n67 = N(d6, d7);
    const n0123 = N(n01, n23);
    const expected: Record<number, Buffer> = {
      1: d0,
      2: n01,
      3: N(n01, d2),
      5: N(n0123, d4),
      7: N(n0123, N(n45, d6)),
      8: N(n0123, N(n45, n67)),
    };
    const leaves = await Promise.all(vectorData.map((d) => leafHash(d)));
    const tree = new MerkleTree(leaves);
    for (const [size, root] of Object.entries(expected)) {
      expect(await rootHash(leaves.slice(0, Number(size))), `size ${size}`).toBe(hex(root));
      expect(await tree.root(Number(size)), `size ${size}`).toBe(hex(root));
    }
    // Published roots for these leaves (certificate-transparency / trillian test vectors).
    expect(await tree.root(1)).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(await tree.root(3)).toBe('aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77');
    expect(await tree.root(8)).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    // Hand-built proofs: leaf 2 of 7 (siblings bottom-up) and 3 → 7.
    expect(await inclusionProof(leaves, 2, 7)).toEqual([d3, n01, N(n45, d6)].map(hex));
    expect(await consistencyProof(leaves, 3, 7)).toEqual([d2, d3, n01, N(n45, d6)].map(hex));
    expect(await consistencyProof(leaves, 4, 7)).toEqual([N(n45, d6)].map(hex));
    expect(await consistencyProof(leaves, 7, 7)).toEqual([]);
  });
});

describe('proofs for every index and size up to 20', () => {
  it('inclusion: accepted by both verifiers; altered leaf, index, sibling, length or root refused', async () => {
    const leaves = await leavesP;
    const tree = new MerkleTree(leaves);
    for (let n = 1; n <= leaves.length; n++) {
      const root = await rootHash(leaves.slice(0, n));
      expect(await tree.root(n)).toBe(root);
      for (let i = 0; i < n; i++) {
        const leaf = leaves[i]!;
        const proof = await inclusionProof(leaves, i, n);
        expect(await tree.inclusion(i, n)).toEqual(proof);
        expect(await verifyInclusion(leaf, i, n, proof, root), `${i}/${n}`).toBe(true);
        expect(verifyInclusionProof(leaf, i, n, proof, root), `${i}/${n}`).toBe(true);

        const refused = async (l: string, idx: number, size: number, p: string[], r: string) => {
          expect(await verifyInclusion(l, idx, size, p, r), `${i}/${n}`).toBe(false);
          expect(verifyInclusionProof(l, idx, size, p, r), `${i}/${n}`).toBe(false);
        };
        await refused(flip(leaf), i, n, proof, root);
        await refused(leaf, i, n, proof, flip(root, 63));
        await refused(leaf, i, n, [...proof, leaf], root);
        await refused(leaf, i, n, proof, root.toUpperCase());
        await refused(leaf, n, n, proof, root);
        await refused(leaf, -1, n, proof, root);
        await refused(leaf, i + 0.5, n, proof, root);
        for (let j = 0; j < proof.length; j++) {
          await refused(leaf, i, n, proof.with(j, flip(proof[j]!, j)), root);
          await refused(leaf, i, n, proof.toSpliced(j, 1), root);
        }
        for (let other = 0; other < n; other++) {
          if (other !== i) await refused(leaf, other, n, proof, root);
        }
        // The size is bound by the (signed) root, not the proof: both verifiers must agree.
        for (const size of [n - 1, n + 1, 2 * n]) {
          expect(await verifyInclusion(leaf, i, size, proof, root)).toBe(
            verifyInclusionProof(leaf, i, size, proof, root),
          );
        }
      }
    }
  });

  it('consistency: accepted by both verifiers; altered roots, sizes or proof refused', async () => {
    const leaves = await leavesP;
    const tree = new MerkleTree(leaves);
    const roots = [''];
    for (let n = 1; n <= leaves.length; n++) roots.push(await tree.root(n));
    for (let second = 1; second <= leaves.length; second++) {
      for (let first = 1; first <= second; first++) {
        const r1 = roots[first]!;
        const r2 = roots[second]!;
        const proof = await consistencyProof(leaves, first, second);
        expect(await tree.consistency(first, second)).toEqual(proof);
        expect(await verifyConsistency(first, second, r1, r2, proof), `${first}→${second}`).toBe(true);
        expect(verifyConsistencyProof(first, second, r1, r2, proof), `${first}→${second}`).toBe(true);

        const refused = async (f: number, s: number, a: string, b: string, p: string[]) => {
          expect(await verifyConsistency(f, s, a, b, p), `${first}→${second}`).toBe(false);
          expect(verifyConsistencyProof(f, s, a, b, p), `${first}→${second}`).toBe(false);
        };
        await refused(first, second, flip(r1), r2, proof);
        await refused(first, second, r1, flip(r2), proof);
        await refused(first, second, r1, r2, [...proof, r1]);
        await refused(0, second, r1, r2, proof);
        await refused(second + 1, second, r1, r2, proof);
        for (let j = 0; j < proof.length; j++) {
          await refused(first, second, r1, r2, proof.with(j, flip(proof[j]!, 5)));
          await refused(first, second, r1, r2, proof.toSpliced(j, 1));
        }
        if (first < second) {
          await refused(first, second, r2, r2, proof);
          // Another old tree of the same size, e.g. the log rewritten and re-grown.
          const forged = await rootHash(leaves.slice(1, first + 1));
          await refused(first, second, forged, r2, proof);
        }
        for (const f of [first - 1, first + 1]) {
          if (f >= 1 && f <= second) {
            expect(await verifyConsistency(f, second, r1, r2, proof)).toBe(
              verifyConsistencyProof(f, second, r1, r2, proof),
            );
          }
        }
      }
    }
  });
});

describe('MerkleTree', () => {
  it('grows by append and still answers for earlier sizes; concurrent calls agree', async () => {
    const leaves = await leavesP;
    const tree = new MerkleTree(leaves.slice(0, 5));
    expect(tree.size).toBe(5);
    const early = await tree.root();
    tree.append(leaves.slice(5));
    expect(tree.size).toBe(20);
    expect(await tree.root(5)).toBe(early);
    const results = await Promise.all([
      tree.root(),
      tree.root(13),
      tree.inclusion(12, 17),
      tree.consistency(6, 19),
      new MerkleTree(leaves).root(),
    ]);
    expect(results).toEqual([
      await rootHash(leaves),
      await rootHash(leaves.slice(0, 13)),
      await inclusionProof(leaves, 12, 17),
      await consistencyProof(leaves, 6, 19),
      await rootHash(leaves),
    ]);
  });

  it('matches the free functions on a larger, uneven tree', async () => {
    const leaves = await Promise.all(Array.from({ length: 1000 }, (_, i) => leafHash(`x${i}`)));
    const tree = new MerkleTree(leaves);
    for (const [i, n] of [
      [0, 1000],
      [999, 1000],
      [511, 513],
      [512, 513],
      [700, 777],
    ] as const) {
      const proof = await tree.inclusion(i, n);
      expect(proof).toEqual(await inclusionProof(leaves, i, n));
      expect(verifyInclusionProof(leaves[i]!, i, n, proof, await tree.root(n))).toBe(true);
    }
    for (const [m, n] of [
      [1, 1000],
      [512, 1000],
      [999, 1000],
      [333, 777],
    ] as const) {
      const proof = await tree.consistency(m, n);
      expect(proof).toEqual(await consistencyProof(leaves, m, n));
      expect(verifyConsistencyProof(m, n, await tree.root(m), await tree.root(n), proof)).toBe(true);
    }
  });

  it('takes the leaves of a national-scale log in one call', () => {
    // 300,000 arguments spread into a call overflow V8's stack; an array does not.
    const many = Array.from({ length: 300_000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const tree = new MerkleTree(many);
    tree.append(many);
    expect(tree.size).toBe(600_000);
  });

  it('refuses malformed leaf hashes', () => {
    expect(() => new MerkleTree(['abc'])).toThrow(TypeError);
    expect(() => new MerkleTree(['A'.repeat(64)])).toThrow(TypeError);
    expect(() => new MerkleTree(['g'.repeat(64)])).toThrow(TypeError);
  });
});

describe('range checks', () => {
  it('throws RangeError on impossible indices and sizes', async () => {
    const leaves = (await leavesP).slice(0, 4);
    const tree = new MerkleTree(leaves);
    await expect(inclusionProof(leaves, 4, 4)).rejects.toThrow(RangeError);
    await expect(inclusionProof(leaves, -1, 4)).rejects.toThrow(RangeError);
    await expect(inclusionProof(leaves, 0.5, 4)).rejects.toThrow(RangeError);
    await expect(inclusionProof(leaves, 0, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(leaves, 0, 0)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, -1, 4)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, 0, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, 3, 2)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, 2, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, Number.NaN, 4)).rejects.toThrow(RangeError);
    await expect(tree.root(5)).rejects.toThrow(RangeError);
    await expect(tree.root(-1)).rejects.toThrow(RangeError);
    await expect(tree.inclusion(4)).rejects.toThrow(RangeError);
    await expect(tree.consistency(1, 5)).rejects.toThrow(RangeError);
  });

  it('proves consistency from the empty tree with an empty proof', async () => {
    const leaves = (await leavesP).slice(0, 4);
    const empty = await rootHash([]);
    const root = await rootHash(leaves);
    expect(await consistencyProof(leaves, 0, 4)).toEqual([]);
    expect(await new MerkleTree(leaves).consistency(0, 0)).toEqual([]);
    expect(await verifyConsistency(0, 4, empty, root, [])).toBe(true);
    expect(await verifyConsistency(0, 0, empty, empty, [])).toBe(true);
    expect(await verifyConsistency(0, 4, root, root, [])).toBe(false);
    expect(await verifyConsistency(0, 4, empty, root, [root])).toBe(false);
  });

  it('verifiers answer false, never throw, on junk', async () => {
    const leaves = await leavesP;
    const root = await rootHash(leaves.slice(0, 2));
    const junk = [undefined, null, 'zz', 42, {}] as unknown as string[];
    for (const j of junk) {
      expect(await verifyInclusion(j, 0, 2, [leaves[1]!], root)).toBe(false);
      expect(await verifyInclusion(leaves[0]!, 0, 2, [j], root)).toBe(false);
      expect(await verifyInclusion(leaves[0]!, 0, 2, [leaves[1]!], j)).toBe(false);
      expect(await verifyConsistency(1, 2, j, root, [leaves[1]!])).toBe(false);
      expect(await verifyConsistency(1, 2, leaves[0]!, root, [j])).toBe(false);
    }
    expect(await verifyInclusion(leaves[0]!, 0, 2, null as unknown as string[], root)).toBe(false);
    expect(await verifyConsistency(1, 2, leaves[0]!, root, [leaves[1]!])).toBe(true);
    expect(await verifyConsistency(2, 2, root, root, [])).toBe(true);
    expect(await verifyConsistency(2, 2, root, root, [root])).toBe(false);
  });
});
