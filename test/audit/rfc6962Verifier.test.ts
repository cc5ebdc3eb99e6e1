// The independent RFC 6962 verifier, checked against its own naive MTH (proofs built here
// from the RFC's PATH / SUBPROOF definitions over raw data) and against the service's
// Merkle code, and shown to refuse wrong proofs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleTree,
  rootHash,
} from '../../src/domain/audit/merkle.js';
import {
  rfc6962LeafHash,
  rfc6962Root,
  verifyConsistencyProof,
  verifyInclusionProof,
} from './rfc6962Verifier.js';

const data = Array.from({ length: 70 }, (_, i) => new TextEncoder().encode(`leaf ${i} ${'x'.repeat(i % 7)}`));
const leafHashes = data.map((d) => rfc6962LeafHash(d));
const flip = (h: string, at = 0) => h.slice(0, at) + (h[at] === 'f' ? 'e' : 'f') + h.slice(at + 1);

/** Naive proofs straight from RFC 6962 §2.1.1 / §2.1.2, using rfc6962Root for every MTH. */
function k(n: number): number {
  return 2 ** Math.ceil(Math.log2(n) - 1);
}
function naivePath(m: number, d: Uint8Array[]): string[] {
  if (d.length <= 1) return [];
  const split = k(d.length);
  return m < split
    ? [...naivePath(m, d.slice(0, split)), rfc6962Root(d.slice(split))]
    : [...naivePath(m - split, d.slice(split)), rfc6962Root(d.slice(0, split))];
}
function naiveSubproof(m: number, d: Uint8Array[], b: boolean): string[] {
  if (m === d.length) return b ? [] : [rfc6962Root(d)];
  const split = k(d.length);
  return m <= split
    ? [...naiveSubproof(m, d.slice(0, split), b), rfc6962Root(d.slice(split))]
    : [...naiveSubproof(m - split, d.slice(split), false), rfc6962Root(d.slice(0, split))];
}

describe('rfc6962Root', () => {
  it('is SHA-256 of nothing for the empty tree and the leaf hash for one leaf', () => {
    expect(rfc6962Root([])).toBe(createHash('sha256').digest('hex'));
    expect(rfc6962Root([data[0]!])).toBe(leafHashes[0]);
    expect(rfc6962LeafHash('abc')).toBe(
      createHash('sha256').update(Buffer.from([0, 0x61, 0x62, 0x63])).digest('hex'),
    );
  });

  it('agrees with the service for every size up to 70', async () => {
    const ours = await Promise.all(data.map((d) => leafHash(d)));
    expect(ours).toEqual(leafHashes);
    expect(await rootHash([])).toBe(rfc6962Root([]));
    const tree = new MerkleTree(leafHashes);
    for (let n = 1; n <= data.length; n++) {
      const expected = rfc6962Root(data.slice(0, n));
      expect(await rootHash(leafHashes.slice(0, n)), `n=${n}`).toBe(expected);
      expect(await tree.root(n), `n=${n}`).toBe(expected);
    }
  });
});

describe('verifyInclusionProof', () => {
  it('accepts the RFC proofs and the service proofs (identical) for every index of every size up to 33', async () => {
    const tree = new MerkleTree(leafHashes);
    for (let n = 1; n <= 33; n++) {
      const d = data.slice(0, n);
      const root = rfc6962Root(d);
      for (let i = 0; i < n; i++) {
        const naive = naivePath(i, d);
        expect(verifyInclusionProof(leafHashes[i]!, i, n, naive, root), `${i}/${n}`).toBe(true);
        expect(await tree.inclusion(i, n)).toEqual(naive);
      }
    }
    expect(await inclusionProof(leafHashes, 41, 70)).toEqual(naivePath(41, data));
  });

  it('refuses wrong leaves, indices, roots, siblings, lengths and malformed hex', () => {
    for (const n of [1, 2, 3, 7, 8, 9, 16, 21]) {
      const d = data.slice(0, n);
      const root = rfc6962Root(d);
      for (let i = 0; i < n; i++) {
        const leaf = leafHashes[i]!;
        const proof = naivePath(i, d);
        const ok = (l: string, idx: number, size: number, p: string[], r: string) =>
          verifyInclusionProof(l, idx, size, p, r);
        expect(ok(leaf, i, n, proof, root)).toBe(true);
        expect(ok(leafHashes[n]!, i, n, proof, root)).toBe(false);
        expect(ok(leaf, i, n, proof, rfc6962Root(data.slice(1, n + 1)))).toBe(false);
        expect(ok(leaf, i, n, [...proof, root], root)).toBe(false);
        expect(ok(leaf, i, n, [root, ...proof], root)).toBe(false);
        expect(ok(leaf, n, n, proof, root)).toBe(false);
        expect(ok(leaf, i, n, proof, root.toUpperCase())).toBe(false);
        expect(ok(leaf.slice(0, 62), i, n, proof, root)).toBe(false);
        for (let other = 0; other < n; other++) if (other !== i) expect(ok(leaf, other, n, proof, root)).toBe(false);
        for (let j = 0; j < proof.length; j++) {
          expect(ok(leaf, i, n, proof.with(j, flip(proof[j]!, 63)), root)).toBe(false);
          expect(ok(leaf, i, n, proof.toSpliced(j, 1), root)).toBe(false);
          expect(ok(leaf, i, n, proof.with(j, `${proof[j]!.slice(0, 63)}g`), root)).toBe(false);
        }
        if (proof.length > 1) expect(ok(leaf, i, n, [...proof].reverse(), root)).toBe(false);
      }
    }
  });
});

describe('verifyConsistencyProof', () => {
  it('accepts the RFC proofs and the service proofs (identical) for every pair of sizes up to 33', async () => {
    const tree = new MerkleTree(leafHashes);
    const roots = Array.from({ length: 34 }, (_, n) => rfc6962Root(data.slice(0, n)));
    for (let second = 1; second <= 33; second++) {
      for (let first = 1; first <= second; first++) {
        const naive = naiveSubproof(first, data.slice(0, second), true);
        expect(
          verifyConsistencyProof(first, second, roots[first]!, roots[second]!, naive),
          `${first}→${second}`,
        ).toBe(true);
        expect(await tree.consistency(first, second)).toEqual(naive);
      }
    }
    expect(await consistencyProof(leafHashes, 29, 70)).toEqual(naiveSubproof(29, data, true));
  });

  it('refuses wrong roots, sizes, proof elements, lengths and malformed hex', () => {
    const roots = Array.from({ length: 23 }, (_, n) => rfc6962Root(data.slice(0, n)));
    for (const second of [1, 2, 3, 4, 5, 8, 13, 16, 22]) {
      for (let first = 1; first <= second; first++) {
        const r1 = roots[first]!;
        const r2 = roots[second]!;
        const proof = naiveSubproof(first, data.slice(0, second), true);
        const ok = (f: number, s: number, a: string, b: string, p: string[]) =>
          verifyConsistencyProof(f, s, a, b, p);
        expect(ok(first, second, r1, r2, proof)).toBe(true);
        expect(ok(first, second, flip(r1), r2, proof)).toBe(false);
        expect(ok(first, second, r1, flip(r2, 10), proof)).toBe(false);
        expect(ok(first, second, r1, r2, [...proof, r1])).toBe(false);
        expect(ok(0, second, r1, r2, proof)).toBe(false);
        expect(ok(second + 1, second, r1, r2, proof)).toBe(false);
        expect(ok(first, second, r1.toUpperCase(), r2, proof)).toBe(false);
        const forged = rfc6962Root(data.slice(1, first + 1));
        expect(ok(first, second, forged, r2, proof)).toBe(false);
        for (let j = 0; j < proof.length; j++) {
          expect(ok(first, second, r1, r2, proof.with(j, flip(proof[j]!, 31)))).toBe(false);
          expect(ok(first, second, r1, r2, proof.toSpliced(j, 1))).toBe(false);
        }
        if (first < second) {
          expect(ok(first, second, r2, r2, proof)).toBe(false);
          // A proof between other sizes does not pass for these.
          if (first > 1) {
            const other = naiveSubproof(first - 1, data.slice(0, second), true);
            expect(ok(first, second, r1, r2, other)).toBe(false);
          }
        }
      }
    }
  });
});
