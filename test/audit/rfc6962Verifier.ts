// An independent RFC 6962 / RFC 9162 §2.1 verifier for tests, written from the RFCs'
// definitions and importing nothing from src/. It does not use the iterative RFC 9162
// verification loops (the service's own verifiers do); instead it follows the recursive
// definitions of MTH, PATH and SUBPROOF and rebuilds the roots a proof must lead to:
//
//   MTH({})      = SHA-256()                MTH({d0}) = SHA-256(0x00 ‖ d0)
//   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k = largest power of 2 < n
//   PATH(m, D[n])          = PATH(m, D[0:k]) : MTH(D[k:n])          if m < k
//                          = PATH(m - k, D[k:n]) : MTH(D[0:k])      if m ≥ k
//   SUBPROOF(m, D[m], true)  = {}            SUBPROOF(m, D[m], false) = {MTH(D[m])}
//   SUBPROOF(m, D[n], b)   = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])             if m ≤ k
//                          = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])     if m > k
//
// Hashes are 64-character lowercase hex; anything else is refused.
import { createHash } from 'node:crypto';

const HEX_HASH = /^[0-9a-f]{64}$/;

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function interior(left: Buffer, right: Buffer): Buffer {
  return sha256(Uint8Array.of(0x01), left, right);
}

/** k with k < n ≤ 2k and k a power of two (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

function mth(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Uint8Array.of(0x00), leaves[0]!);
  const k = largestPowerOfTwoBelow(leaves.length);
  return interior(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** MTH over raw leaf data, straight from the recursive definition (O(n log n), tests only). */
export function rfc6962Root(leavesBytes: readonly Uint8Array[]): string {
  return mth(leavesBytes).toString('hex');
}

/** SHA-256(0x00 ‖ data), hex. */
export function rfc6962LeafHash(data: Uint8Array | string): string {
  return sha256(Uint8Array.of(0x00), typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString(
    'hex',
  );
}

function parseHashes(hexes: unknown): Buffer[] | undefined {
  if (!Array.isArray(hexes)) return undefined;
  const out: Buffer[] = [];
  for (const hex of hexes) {
    if (typeof hex !== 'string' || !HEX_HASH.test(hex)) return undefined;
    out.push(Buffer.from(hex, 'hex'));
  }
  return out;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** A proof read from its end: the last element is the sibling nearest the root. */
class FromEnd {
  constructor(
    private readonly items: Buffer[],
    private end = items.length,
  ) {}
  take(): Buffer | undefined {
    if (this.end === 0) return undefined;
    this.end--;
    return this.items[this.end];
  }
  get exhausted(): boolean {
    return this.end === 0;
  }
}

/** The root PATH(m, D[n]) leads to from `leaf`, or undefined if the proof has the wrong length. */
function rootFromPath(m: number, n: number, leaf: Buffer, proof: FromEnd): Buffer | undefined {
  if (n === 1) return proof.exhausted ? leaf : undefined;
  const sibling = proof.take();
  if (!sibling) return undefined;
  const k = largestPowerOfTwoBelow(n);
  if (m < k) {
    const left = rootFromPath(m, k, leaf, proof);
    return left && interior(left, sibling);
  }
  const right = rootFromPath(m - k, n - k, leaf, proof);
  return right && interior(sibling, right);
}

export function verifyInclusionProof(
  leafHashHex: string,
  index: number,
  treeSize: number,
  proofHex: string[],
  rootHex: string,
): boolean {
  if (!isCount(index) || !isCount(treeSize) || index >= treeSize) return false;
  if (typeof leafHashHex !== 'string' || !HEX_HASH.test(leafHashHex)) return false;
  if (typeof rootHex !== 'string' || !HEX_HASH.test(rootHex)) return false;
  const proof = parseHashes(proofHex);
  if (!proof) return false;
  const root = rootFromPath(index, treeSize, Buffer.from(leafHashHex, 'hex'), new FromEnd(proof));
  return root !== undefined && root.toString('hex') === rootHex;
}

/**
 * For the range D[n] of the new tree of which the old tree covers the first m leaves,
 * returns [MTH of those m leaves, MTH(D[n])] as SUBPROOF(m, D[n], b) determines them.
 */
function rebuild(
  m: number,
  n: number,
  b: boolean,
  proof: FromEnd,
  firstRoot: Buffer,
): [Buffer, Buffer] | undefined {
  if (m === n) {
    if (b) return proof.exhausted ? [firstRoot, firstRoot] : undefined;
    const subtree = proof.take();
    return subtree && proof.exhausted ? [subtree, subtree] : undefined;
  }
  const sibling = proof.take();
  if (!sibling) return undefined;
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    const left = rebuild(m, k, b, proof, firstRoot);
    // The old tree lies entirely in the left half; the right half is new.
    return left && [left[0], interior(left[1], sibling)];
  }
  const right = rebuild(m - k, n - k, false, proof, firstRoot);
  // The left half is complete and shared by both trees.
  return right && [interior(sibling, right[0]), interior(sibling, right[1])];
}

export function verifyConsistencyProof(
  first: number,
  second: number,
  firstRootHex: string,
  secondRootHex: string,
  proofHex: string[],
): boolean {
  if (!isCount(first) || !isCount(second) || first < 1 || first > second) return false;
  if (typeof firstRootHex !== 'string' || !HEX_HASH.test(firstRootHex)) return false;
  if (typeof secondRootHex !== 'string' || !HEX_HASH.test(secondRootHex)) return false;
  const proof = parseHashes(proofHex);
  if (!proof) return false;
  const roots = rebuild(first, second, true, new FromEnd(proof), Buffer.from(firstRootHex, 'hex'));
  return (
    roots !== undefined &&
    roots[0].toString('hex') === firstRootHex &&
    roots[1].toString('hex') === secondRootHex
  );
}
