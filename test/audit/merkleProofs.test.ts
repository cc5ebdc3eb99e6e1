// The service's Merkle code against the independent verifier, for every index and every
// pair of sizes up to 20, plus refusals of altered proofs.
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/domain/audit/merkle.js';
import { leafHashOf, mth, verifyConsistencyProof, verifyInclusionProof } from './independentRfc6962.js';

const data = Array.from({ length: 20 }, (_, i) => Buffer.from(`entry-${i}`));

describe('RFC 6962 trees', () => {
  it('agree on leaf hashes and roots with the definition, including the empty tree', async () => {
    expect(await rootHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 1; n <= data.length; n++) {
      const leaves = await Promise.all(data.slice(0, n).map((d) => leafHash(d)));
      expect(leaves[0]).toBe(leafHashOf(data[0]!));
      expect(await rootHash(leaves)).toBe(mth(data.slice(0, n)).toString('hex'));
    }
  });

  it('produce inclusion proofs both verifiers accept, and that fail when altered', async () => {
    const leaves = await Promise.all(data.map((d) => leafHash(d)));
    for (let n = 1; n <= data.length; n++) {
      const root = await rootHash(leaves.slice(0, n));
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(leaves, i, n);
        expect(verifyInclusionProof(leaves[i]!, i, n, proof, root), `${i}/${n}`).toBe(true);
        expect(await verifyInclusion(leaves[i]!, i, n, proof, root)).toBe(true);
        if (n > 1) {
          expect(verifyInclusionProof(leaves[(i + 1) % n]!, i, n, proof, root)).toBe(false);
          expect(verifyInclusionProof(leaves[i]!, i, n, proof.slice(1), root)).toBe(false);
          expect(await verifyInclusion(leaves[i]!, (i + 1) % n, n, proof, root)).toBe(false);
        }
      }
    }
  });

  it('produce consistency proofs both verifiers accept, and that fail when altered', async () => {
    const leaves = await Promise.all(data.map((d) => leafHash(d)));
    for (let second = 1; second <= data.length; second++) {
      const secondRoot = await rootHash(leaves.slice(0, second));
      for (let first = 1; first <= second; first++) {
        const firstRoot = await rootHash(leaves.slice(0, first));
        const proof = await consistencyProof(leaves, first, second);
        expect(
          verifyConsistencyProof(first, second, firstRoot, secondRoot, proof),
          `${first}→${second}`,
        ).toBe(true);
        expect(await verifyConsistency(first, second, firstRoot, secondRoot, proof)).toBe(true);
        if (first < second) {
          const otherRoot = await rootHash(leaves.slice(1, first + 1));
          expect(verifyConsistencyProof(first, second, otherRoot, secondRoot, proof)).toBe(false);
          expect(await verifyConsistency(first, second, otherRoot, secondRoot, proof)).toBe(false);
          expect(verifyConsistencyProof(first, second, firstRoot, secondRoot, proof.slice(0, -1))).toBe(
            false,
          );
        }
      }
    }
  });

  it('refuses impossible sizes and indices', async () => {
    const leaves = await Promise.all(data.slice(0, 4).map((d) => leafHash(d)));
    await expect(inclusionProof(leaves, 4, 4)).rejects.toThrow(RangeError);
    await expect(inclusionProof(leaves, 0, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(leaves, -1, 4)).rejects.toThrow(RangeError);
    expect(await consistencyProof(leaves, 0, 4)).toEqual([]);
    await expect(consistencyProof(leaves, 3, 2)).rejects.toThrow(RangeError);
  });
});
